package testmodel_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// generate writes a checkpoint for opts into a fresh temporary directory.
func generate(t testing.TB, opts testmodel.Options) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "model")
	if err := testmodel.Generate(dir, opts); err != nil {
		t.Fatalf("Generate(%+v): %v", opts, err)
	}
	return dir
}

// goldenCheckpoint returns a golden case's checkpoint directory, skipping
// when the golden data is absent.
func goldenCheckpoint(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(golden.Dir(t), name, "checkpoint")
}

// openSet opens a checkpoint's weights and closes them at cleanup.
func openSet(t testing.TB, dir string) *safetensors.Set {
	t.Helper()
	s, err := safetensors.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// tensor returns a named tensor of s.
func tensor(t testing.TB, s *safetensors.Set, name string) safetensors.Tensor {
	t.Helper()
	x, err := s.Tensor(name)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// floats returns a named tensor's values.
func floats(t testing.TB, s *safetensors.Set, name string) []float32 {
	t.Helper()
	v, err := tensor(t, s, name).Float32()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// readFile reads dir/name.
func readFile(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// boolPtr returns a pointer to b.
func boolPtr(b bool) *bool { return &b }
