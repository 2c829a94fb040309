package qwen3vl

import (
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/golden"
)

func TestUnembeddingRow(t *testing.T) {
	rt := orttest.Runtime(t)
	tests := map[string]string{
		"qwen3_vl_basic":  "lm_head.weight",
		"qwen3_vl_resize": "lm_head.weight",            // bfloat16
		"qwen3_text":      "model.embed_tokens.weight", // tied
	}
	for name, tensor := range tests {
		t.Run(name, func(t *testing.T) {
			c := golden.Cases(t, name)[0]
			m := loadDir(t, rt, c.Checkpoint(), decoder.Options{})
			set, err := safetensors.OpenDir(c.Checkpoint())
			if err != nil {
				t.Fatal(err)
			}
			defer set.Close()
			w, err := set.Tensor(tensor)
			if err != nil {
				t.Fatal(err)
			}
			all, err := w.Float32()
			if err != nil {
				t.Fatal(err)
			}
			hidden := int(w.Shape[1])
			for _, id := range []int{0, 83, int(w.Shape[0]) - 1} {
				row, err := m.UnembeddingRow(id)
				if err != nil {
					t.Fatal(err)
				}
				for k := range row {
					if row[k] != all[id*hidden+k] {
						t.Fatalf("token %d element %d = %v, want %v", id, k, row[k], all[id*hidden+k])
					}
				}
			}
			if _, err := m.UnembeddingRow(int(w.Shape[0])); err == nil {
				t.Error("an id past the vocabulary was accepted")
			}
		})
	}
}
