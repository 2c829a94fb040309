package qwen2vl

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/goldenmodel"
)

// without drops the tensors whose names start with prefix.
func without(prefix string) func([]safetensors.Tensor) []safetensors.Tensor {
	return func(ts []safetensors.Tensor) []safetensors.Tensor {
		out := ts[:0]
		for _, x := range ts {
			if !strings.HasPrefix(x.Name, prefix) {
				out = append(out, x)
			}
		}
		return out
	}
}

func TestLoadRefusesMismatchedWeights(t *testing.T) {
	rt := orttest.Runtime(t)
	tests := map[string]struct {
		victim string
		edit   func([]safetensors.Tensor) []safetensors.Tensor
		want   error
	}{
		"missing decoder bias": {
			victim: "model.layers.1.self_attn.k_proj.bias",
			edit:   without("model.layers.1.self_attn.k_proj.bias"),
			want:   safetensors.ErrTensorNotFound,
		},
		"missing vision tensor": {
			victim: "visual.blocks.1.norm2.weight",
			edit:   without("visual.blocks.1.norm2.weight"),
			want:   safetensors.ErrTensorNotFound,
		},
		"wrong merger shape": {
			victim: "visual.merger.mlp.0.weight",
			edit: func(ts []safetensors.Tensor) []safetensors.Tensor {
				for i := range ts {
					if ts[i].Name == "visual.merger.mlp.0.weight" {
						ts[i].Shape = []int64{ts[i].Shape[0] / 2, ts[i].Shape[1] * 2}
					}
				}
				return ts
			},
			want: weights.ErrMismatch,
		},
	}
	for _, c := range cases(t) {
		for name, tc := range tests {
			t.Run(c.Name+"/"+name, func(t *testing.T) {
				dir := rewrite(t, c.Checkpoint(), nil, tc.edit)
				m, err := loadDirErr(rt, dir, decoder.Options{})
				if err == nil {
					m.Close()
					t.Fatal("Load succeeded")
				}
				if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.victim) {
					t.Fatalf("error %q: want %v naming %s", err, tc.want, tc.victim)
				}
			})
		}
	}
}

// TestWithoutVisionTower: a checkpoint saved without visual.* loads and
// runs text, and an image gets an error naming the missing tensor.
func TestWithoutVisionTower(t *testing.T) {
	rt := orttest.Runtime(t)
	for _, c := range cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			m := loadDir(t, rt, rewrite(t, c.Checkpoint(), nil, without(legacyVisionPrefix)), decoder.Options{})
			im := goldenmodel.Prompt(t, c).Images[0]
			_, err := m.EncodeImage(context.Background(), im)
			if !errors.Is(err, decoder.ErrUnsupported) || !strings.Contains(err.Error(), legacyVisionPrefix+patchEmbed) {
				t.Fatalf("EncodeImage: %v, want ErrUnsupported naming %s", err, legacyVisionPrefix+patchEmbed)
			}
		})
	}
}
