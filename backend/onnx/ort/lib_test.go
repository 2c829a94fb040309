package ort_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// touch creates an empty file (FindLibrary only checks existence).
func touch(tb testing.TB, path string) string {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// isolate points every search location FindLibrary reads at empty
// temporary directories.
func isolate(t *testing.T) (cache string) {
	t.Helper()
	cache = t.TempDir()
	t.Setenv(ort.EnvLibrary, "")
	t.Setenv(ort.EnvCacheDir, cache)
	t.Setenv("LD_LIBRARY_PATH", "")
	t.Setenv("DYLD_LIBRARY_PATH", "")
	return cache
}

func TestFindLibraryOrder(t *testing.T) {
	cache := isolate(t)
	dir := t.TempDir()
	explicit := touch(t, filepath.Join(dir, "explicit.so"))
	fromEnv := touch(t, filepath.Join(dir, "env.so"))
	cuda := touch(t, filepath.Join(cache, "ort", ort.CUDACacheVersion, "libonnxruntime.so.1"))

	if runtime.GOOS == "linux" {
		if got, _, err := ort.FindLibrary(""); err != nil || got != cuda {
			t.Errorf("cache with only the CUDA build: %q, %v; want %q", got, err, cuda)
		}
		cpu := touch(t, filepath.Join(cache, "ort", ort.CPUCacheVersion, "libonnxruntime.so.1"))
		if got, _, err := ort.FindLibrary(""); err != nil || got != cpu {
			t.Errorf("cache with both builds: %q, %v; want the CPU build %q", got, err, cpu)
		}
		if got, _, err := ort.FindLibraryFor("", true); err != nil || got != cuda {
			t.Errorf("cache with both builds, CUDA wanted: %q, %v; want the CUDA build %q", got, err, cuda)
		}
	}
	t.Setenv(ort.EnvLibrary, fromEnv)
	if got, searched, err := ort.FindLibrary(""); err != nil || got != fromEnv || len(searched) != 1 {
		t.Errorf("$%s: %q (searched %v), %v; want %q first", ort.EnvLibrary, got, searched, err, fromEnv)
	}
	if got, _, err := ort.FindLibrary(explicit); err != nil || got != explicit {
		t.Errorf("explicit path: %q, %v; want %q before the environment", got, err, explicit)
	}
	if got, _, err := ort.FindLibraryFor("", true); err != nil || got != fromEnv {
		t.Errorf("$%s with CUDA wanted: %q, %v; want %q before the cache", ort.EnvLibrary, got, err, fromEnv)
	}
}

func TestFindLibraryLoaderPath(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("LD_LIBRARY_PATH and libonnxruntime.so are the Linux names")
	}
	isolate(t)
	dir := t.TempDir()
	lib := touch(t, filepath.Join(dir, "libonnxruntime.so"))
	t.Setenv("LD_LIBRARY_PATH", t.TempDir()+":"+dir)
	if got, _, err := ort.FindLibrary(""); err != nil || got != lib {
		t.Errorf("FindLibrary = %q, %v; want %q from LD_LIBRARY_PATH", got, err, lib)
	}
}

func TestFindLibraryNotFound(t *testing.T) {
	cache := isolate(t)
	missing := filepath.Join(t.TempDir(), "nope.so")
	cases := map[string]struct {
		explicit, env string
		mention       []string
	}{
		"explicit path missing": {explicit: missing, mention: []string{"--ort-lib", missing}},
		"environment missing":   {env: missing, mention: []string{"$" + ort.EnvLibrary, missing}},
		"nothing anywhere":      {mention: []string{filepath.Join(cache, "ort", ort.CPUCacheVersion), filepath.Join(cache, "ort", ort.CUDACacheVersion)}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv(ort.EnvLibrary, c.env)
			got, searched, err := ort.FindLibrary(c.explicit)
			if err == nil {
				if name == "nothing anywhere" {
					t.Skipf("a system copy of ONNX Runtime exists at %s", got)
				}
				t.Fatalf("found %q, want ErrLibraryNotFound", got)
			}
			if !errors.Is(err, ort.ErrLibraryNotFound) {
				t.Fatalf("error %v, want ErrLibraryNotFound", err)
			}
			msg := err.Error()
			for _, want := range append(c.mention, "make ort", "pip install onnxruntime", "releases", ort.EnvLibrary) {
				if !strings.Contains(msg, want) {
					t.Errorf("error lacks %q: %s", want, msg)
				}
			}
			if strings.Contains(msg, "\n") || len(searched) == 0 {
				t.Errorf("want a one-line error and the searched list; got %d searched, %q", len(searched), msg)
			}
			for _, s := range searched {
				if !strings.Contains(msg, s) {
					t.Errorf("error does not name searched path %s", s)
				}
			}
		})
	}
}

func TestLoadRejectsOtherLibraries(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("uses Linux library names")
	}
	if _, err := ort.Load(filepath.Join(t.TempDir(), "missing.so")); err == nil || !strings.Contains(err.Error(), "missing.so") {
		t.Errorf("Load of a missing file: %v, want an error naming it", err)
	}
	notLib := touch(t, filepath.Join(t.TempDir(), "empty.so"))
	if _, err := ort.Load(notLib); err == nil {
		t.Error("Load of an empty file succeeded")
	}
	if _, err := ort.Load("libm.so.6"); !errors.Is(err, ort.ErrUnsupportedLibrary) {
		t.Errorf("Load of libm: %v, want ErrUnsupportedLibrary", err)
	}
}
