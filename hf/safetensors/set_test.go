package safetensors

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestOpenDirSharded(t *testing.T) {
	dir := t.TempDir()
	writeTensors(t, dir, "model-00001-of-00002.safetensors",
		f32Tensor("a", []int64{2}, 1, 2), f32Tensor("b", []int64{1}, 3), f32Tensor("unlisted", []int64{1}, 9))
	writeTensors(t, dir, "model-00002-of-00002.safetensors", f32Tensor("c", []int64{1, 2}, 4, 5))
	writeIndex(t, dir, map[string]string{
		"a": "model-00001-of-00002.safetensors",
		"b": "./model-00001-of-00002.safetensors", // the same shard, spelled differently
		"c": "model-00002-of-00002.safetensors",
	})
	s := openDir(t, dir)

	if got, want := s.Names(), []string{"a", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %q, want %q (only what the index lists)", got, want)
	}
	wantFiles := []string{filepath.Join(dir, "model-00001-of-00002.safetensors"), filepath.Join(dir, "model-00002-of-00002.safetensors")}
	if got := s.Files(); !slices.Equal(got, wantFiles) {
		t.Errorf("Files() = %q, want each shard once: %q", got, wantFiles)
	}
	if got := s.Metadata(); got["format"] != "pt" || got["file"] != "model-00001-of-00002.safetensors" {
		t.Errorf("Metadata() = %v, want format=pt and the first shard's file key", got)
	}
	for name, want := range map[string][]float32{"a": {1, 2}, "b": {3}, "c": {4, 5}} {
		tensor, err := s.Tensor(name)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tensor.Float32()
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s = %v, %v; want %v", name, got, err, want)
		}
	}
	if !s.Has("c") || s.Has("unlisted") {
		t.Errorf("Has(c) = %v, Has(unlisted) = %v; want true, false", s.Has("c"), s.Has("unlisted"))
	}
	_, err := s.Tensor("unlisted")
	if !errors.Is(err, ErrTensorNotFound) || !strings.Contains(err.Error(), `"unlisted"`) {
		t.Errorf("Tensor(unlisted) = %v, want ErrTensorNotFound naming it", err)
	}
}

func TestOpenDirShardedErrors(t *testing.T) {
	shard := "model-00001-of-00001.safetensors"
	tests := map[string]struct {
		index    map[string]string // nil: write rawIndex instead
		rawIndex string
		want     error
		mention  []string
	}{
		"missing shard": {
			index: map[string]string{"a": shard, "z": "model-absent.safetensors"}, want: os.ErrNotExist,
			mention: []string{"model-absent.safetensors", `"z"`},
		},
		"tensor missing from shard": {
			index: map[string]string{"a": shard, "ghost": shard}, want: ErrInvalidIndex,
			mention: []string{`"ghost"`, shard},
		},
		"shard outside the directory": {
			index: map[string]string{"a": "../" + shard}, want: ErrInvalidIndex,
			mention: []string{`"a"`, "../" + shard},
		},
		"absolute shard path": {
			index: map[string]string{"a": "/etc/passwd"}, want: ErrInvalidIndex, mention: []string{"/etc/passwd"},
		},
		"index not JSON": {
			rawIndex: `{"weight_map": `, want: ErrInvalidIndex, mention: []string{IndexFileName},
		},
		"no weight_map": {
			rawIndex: `{"metadata": {}}`, want: ErrInvalidIndex, mention: []string{IndexFileName, "weight_map"},
		},
		"weight_map of numbers": {
			rawIndex: `{"weight_map": {"a": 1}}`, want: ErrInvalidIndex, mention: []string{IndexFileName},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeTensors(t, dir, shard, f32Tensor("a", []int64{1}, 1))
			if tc.index != nil {
				writeIndex(t, dir, tc.index)
			} else if err := os.WriteFile(filepath.Join(dir, IndexFileName), []byte(tc.rawIndex), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := OpenDir(dir)
			if err == nil {
				s.Close()
				t.Fatal("OpenDir succeeded")
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("error %q does not match %v", err, tc.want)
			}
			for _, m := range append(tc.mention, dir) {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %s", err, m)
				}
			}
		})
	}
}

func TestOpenDirFallbacks(t *testing.T) {
	t.Run("model.safetensors is preferred", func(t *testing.T) {
		dir := t.TempDir()
		writeTensors(t, dir, SingleFileName, f32Tensor("w", []int64{1}, 1))
		writeTensors(t, dir, "extra.safetensors", f32Tensor("x", []int64{1}, 2))
		if got := openDir(t, dir).Names(); !slices.Equal(got, []string{"w"}) {
			t.Errorf("Names() = %q, want only model.safetensors's", got)
		}
	})
	t.Run("every safetensors file", func(t *testing.T) {
		dir := t.TempDir()
		writeTensors(t, dir, "b.safetensors", f32Tensor("y", []int64{1}, 2))
		writeTensors(t, dir, "a.safetensors", f32Tensor("x", []int64{1}, 1))
		if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(filepath.Join(dir, "sub.safetensors"), 0o755); err != nil {
			t.Fatal(err)
		}
		s := openDir(t, dir)
		if got := s.Names(); !slices.Equal(got, []string{"x", "y"}) {
			t.Errorf("Names() = %q", got)
		}
		if got := s.Metadata()["file"]; got != "a.safetensors" {
			t.Errorf("Metadata()[file] = %q, want the first file's", got)
		}
	})
	t.Run("duplicate tensor across files", func(t *testing.T) {
		dir := t.TempDir()
		writeTensors(t, dir, "a.safetensors", f32Tensor("w", []int64{1}, 1))
		writeTensors(t, dir, "b.safetensors", f32Tensor("w", []int64{1}, 2))
		_, err := OpenDir(dir)
		if err == nil || !strings.Contains(err.Error(), "a.safetensors") || !strings.Contains(err.Error(), "b.safetensors") {
			t.Errorf("OpenDir = %v, want an error naming both files", err)
		}
	})
	t.Run("corrupt file", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, SingleFileName)
		if err := os.WriteFile(path, []byte("garbage!garbage!"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := OpenDir(dir)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
			t.Errorf("OpenDir = %v, want ErrCorrupt naming %s", err, path)
		}
	})
	t.Run("no safetensors", func(t *testing.T) {
		dir := t.TempDir()
		_, err := OpenDir(dir)
		if !errors.Is(err, ErrNoSafetensors) || !strings.Contains(err.Error(), dir) {
			t.Errorf("OpenDir(empty) = %v, want ErrNoSafetensors naming %s", err, dir)
		}
	})
	t.Run("missing directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "absent")
		_, err := OpenDir(dir)
		if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), dir) {
			t.Errorf("OpenDir(absent) = %v, want ErrNotExist naming %s", err, dir)
		}
	})
}

func TestSetCloseIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	writeTensors(t, dir, SingleFileName, f32Tensor("w", []int64{1}, 1))
	s, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := s.Tensor("w"); err != nil && !errors.Is(err, ErrClosed) {
				t.Errorf("Tensor during Close: %v", err)
			}
		})
	}
	for range 2 {
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	wg.Wait()
	if _, err := s.Tensor("w"); !errors.Is(err, ErrClosed) {
		t.Errorf("Tensor after Close = %v, want ErrClosed", err)
	}
	if _, err := s.Tensor("absent"); !errors.Is(err, ErrClosed) {
		t.Errorf("Tensor(absent) after Close = %v, want ErrClosed", err)
	}
}

func TestFileCloseIsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.safetensors")
	if err := WriteFile(path, []Tensor{f32Tensor("w", []int64{1}, 1)}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.Tensor("w"); !errors.Is(err, ErrClosed) {
		t.Errorf("Tensor after Close = %v, want ErrClosed", err)
	}
}
