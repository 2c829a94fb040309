package familytest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// TinyCheckpoint writes the generated tiny checkpoint of family (the
// golden shapes) with config.json's top-level keys edited (nil deletes
// one), in a directory removed when the test ends.
func TinyCheckpoint(t testing.TB, family string, seed uint64, edits map[string]any) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "model")
	if err := testmodel.Generate(dir, testmodel.Options{Family: family, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	EditConfig(t, dir, func(cfg map[string]any) {
		for k, v := range edits {
			if v == nil {
				delete(cfg, k)
			} else {
				cfg[k] = v
			}
		}
	})
	return dir
}

// EditConfig rewrites dir/config.json through edit.
func EditConfig(t testing.TB, dir string, edit func(map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, "config.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	edit(cfg)
	if raw, err = json.Marshal(cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// RewriteTensors rewrites dir/model.safetensors through edit, which may
// rename, replace or drop tensors.
func RewriteTensors(t testing.TB, dir string, edit func([]safetensors.Tensor) []safetensors.Tensor) {
	t.Helper()
	set, err := safetensors.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ts []safetensors.Tensor
	for _, name := range set.Names() {
		x, err := set.Tensor(name)
		if err != nil {
			t.Fatal(err)
		}
		x.Data = append([]byte(nil), x.Data...)
		ts = append(ts, x)
	}
	set.Close()
	if err := safetensors.WriteFile(filepath.Join(dir, "model.safetensors"), edit(ts), nil); err != nil {
		t.Fatal(err)
	}
}

// TensorF64 reads a tensor of dir's checkpoint as float64.
func TensorF64(t testing.TB, dir, name string) []float64 {
	t.Helper()
	set, err := safetensors.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	x, err := set.Tensor(name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := x.Float64()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Spec loads dir's config and tensors and describes them with a family's
// NewSpec; the tensors stay open until the test ends.
func Spec(t testing.TB, dir string, newSpec func(*checkpoint.Config, *safetensors.Set) (decoder.Spec, error)) (decoder.Spec, error) {
	t.Helper()
	cfg, err := checkpoint.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := safetensors.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { set.Close() })
	return newSpec(cfg, set)
}
