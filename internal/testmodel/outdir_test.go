package testmodel_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// TestOutputDirectory checks which output directories Generate accepts:
// new (with missing parents), empty, or a previous output, which it
// replaces; anything else is refused and left as it was.
func TestOutputDirectory(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		prepare func(t *testing.T, dir string) // builds dir before Generate
		wantErr error
		keep    string // a file that must survive a refusal
	}{
		{"new nested", func(t *testing.T, dir string) {}, nil, ""},
		{"empty", func(t *testing.T, dir string) { mkdir(t, dir) }, nil, ""},
		{"previous output", func(t *testing.T, dir string) {
			if err := testmodel.Generate(dir, testmodel.Options{Seed: 99, Layers: 1}); err != nil {
				t.Fatal(err)
			}
		}, nil, ""},
		{"foreign file", func(t *testing.T, dir string) {
			mkdir(t, dir)
			write(t, filepath.Join(dir, "notes.txt"), "mine")
		}, testmodel.ErrDirNotEmpty, "notes.txt"},
		{"previous output plus a foreign file", func(t *testing.T, dir string) {
			if err := testmodel.Generate(dir, testmodel.Options{}); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "notes.txt"), "mine")
		}, testmodel.ErrDirNotEmpty, "notes.txt"},
		{"checkpoint without the marker", func(t *testing.T, dir string) {
			mkdir(t, dir)
			write(t, filepath.Join(dir, "config.json"), "{}")
		}, testmodel.ErrDirNotEmpty, "config.json"},
		{"subdirectory", func(t *testing.T, dir string) {
			mkdir(t, filepath.Join(dir, "sub"))
			write(t, filepath.Join(dir, testmodel.MarkerFile), "{}")
		}, testmodel.ErrDirNotEmpty, testmodel.MarkerFile},
		{"regular file", func(t *testing.T, dir string) {
			mkdir(t, filepath.Dir(dir))
			write(t, dir, "not a directory")
		}, testmodel.ErrDirNotEmpty, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "a", "b", "model")
			c.prepare(t, dir)
			var before []byte
			if c.keep != "" {
				before = readFile(t, dir, c.keep)
			}
			err := testmodel.Generate(dir, testmodel.Options{Seed: 4})
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("Generate: %v, want %v", err, c.wantErr)
			}
			if c.wantErr != nil {
				if c.keep != "" && !bytes.Equal(readFile(t, dir, c.keep), before) {
					t.Errorf("%s changed after a refusal", c.keep)
				}
				if names := dirNames(t, filepath.Dir(dir)); len(names) != 1 {
					t.Errorf("parent holds %q after a refusal", names)
				}
				return
			}
			cfg, err := checkpoint.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Text.NumLayers != 4 {
				t.Errorf("%d layers: the previous output was not replaced", cfg.Text.NumLayers)
			}
			if names := dirNames(t, filepath.Dir(dir)); len(names) != 1 {
				t.Errorf("parent holds %q, want only the checkpoint", names)
			}
		})
	}
}

// TestInvalidOptions checks that bad options are refused before anything
// is written.
func TestInvalidOptions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts testmodel.Options
	}{
		{"family", testmodel.Options{Family: "llama"}},
		{"preset", testmodel.Options{Preset: "7b"}},
		{"dtype", testmodel.Options{DType: "float16"}},
		{"negative layers", testmodel.Options{Layers: -1}},
		{"too many layers", testmodel.Options{Layers: 100000}},
		{"vision for a text model", testmodel.Options{Family: testmodel.FamilyQwen3, Vision: boolPtr(true)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "model")
			err := testmodel.Generate(dir, c.opts)
			if !errors.Is(err, testmodel.ErrInvalidOptions) {
				t.Fatalf("Generate(%+v) = %v, want ErrInvalidOptions", c.opts, err)
			}
			if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) {
				t.Errorf("Generate left %s behind: %v", dir, statErr)
			}
			if _, err := testmodel.NewPlan(c.opts); !errors.Is(err, testmodel.ErrInvalidOptions) {
				t.Errorf("NewPlan(%+v) = %v, want ErrInvalidOptions", c.opts, err)
			}
		})
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
