package qwen3vl

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/golden"
)

// copyCheckpoint copies a golden checkpoint's files except the weights into
// a temporary directory and writes the weights back through edit.
func copyCheckpoint(t *testing.T, src string, edit func([]safetensors.Tensor) []safetensors.Tensor) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".safetensors") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := safetensors.OpenDir(src)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	var tensors []safetensors.Tensor
	for _, name := range set.Names() {
		ten, err := set.Tensor(name)
		if err != nil {
			t.Fatal(err)
		}
		ten.Data = append([]byte(nil), ten.Data...)
		tensors = append(tensors, ten)
	}
	if err := safetensors.WriteFile(filepath.Join(dst, "model.safetensors"), edit(tensors), nil); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestLoadRefusesMismatchedWeights(t *testing.T) {
	rt := orttest.Runtime(t)
	src := golden.Cases(t, "qwen3_vl_basic")[0].Checkpoint()
	const victim = "model.language_model.layers.2.mlp.up_proj.weight"
	tests := map[string]struct {
		edit func([]safetensors.Tensor) []safetensors.Tensor
		want error
	}{
		"missing tensor": {
			edit: func(ts []safetensors.Tensor) []safetensors.Tensor {
				out := ts[:0]
				for _, x := range ts {
					if x.Name != victim {
						out = append(out, x)
					}
				}
				return out
			},
			want: safetensors.ErrTensorNotFound,
		},
		"wrong shape": {
			edit: func(ts []safetensors.Tensor) []safetensors.Tensor {
				for i := range ts {
					if ts[i].Name == victim {
						ts[i].Shape = []int64{ts[i].Shape[1], ts[i].Shape[0]} // transposed
					}
				}
				return ts
			},
			want: weights.ErrMismatch,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := copyCheckpoint(t, src, tc.edit)
			m, err := loadDirErr(rt, dir, decoder.Options{})
			if err == nil {
				m.Close()
				t.Fatal("Load succeeded")
			}
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), victim) {
				t.Fatalf("error %q: want %v naming %s", err, tc.want, victim)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
		})
	}
}
