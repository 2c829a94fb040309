package decoder

import (
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// weightTensors is a small checkpoint of dtype d: a [100, 32] embedding,
// one [64, 32] decoder matrix, a [32] norm, a [32, 16] vision matrix and a
// [16] vision norm, plus an int64 buffer no store reads; untied adds a
// [100, 32] lm_head.
func weightTensors(d safetensors.DType, untied bool) []TensorInfo {
	ts := []TensorInfo{
		{"model.language_model.embed_tokens.weight", d, []int64{100, 32}},
		{"model.language_model.layers.0.mlp.up_proj.weight", d, []int64{64, 32}},
		{"model.language_model.norm.weight", d, []int64{32}},
		{"model.visual.blocks.0.mlp.linear_fc1.weight", d, []int64{32, 16}},
		{"model.visual.blocks.0.norm1.weight", d, []int64{16}},
		{"model.visual.position_ids", safetensors.I64, []int64{4}},
	}
	if untied {
		ts = append(ts, TensorInfo{"lm_head.weight", d, []int64{100, 32}})
	}
	return ts
}

func TestResidentWeights(t *testing.T) {
	for _, tc := range []struct {
		name    string
		tensors []TensorInfo
		tied    bool
		opts    Options
		images  bool
		want    weightBytes
	}{
		// Every float tensor converted to float32: 3200·4 + 2048·4 + 32·4 +
		// 512·4 + 16·4, resident with or without images.
		{"bf16 converted, images", weightTensors(safetensors.BF16, false), true, Options{}, true, weightBytes{23232, 23232, 0}},
		{"bf16 converted, text only", weightTensors(safetensors.BF16, false), true, Options{}, false, weightBytes{23232, 23232, 0}},
		// Matrices in place at 2 bytes (3200·2 + 2048·2 + 512·2), the norms
		// converted (32·4 + 16·4); cast to float32 as the graphs run, the
		// head's 3200·4 and the layer's 2048·4 (the two largest graphs').
		{"bf16 kept half, images", weightTensors(safetensors.BF16, false), true, Options{KeepHalfWeights: true}, true, weightBytes{11712, 192, 20992}},
		{"bf16 kept half, text only: the tower's matrix unread", weightTensors(safetensors.BF16, false), true, Options{KeepHalfWeights: true}, false, weightBytes{10688, 192, 20992}},
		// Untied: the embedding is read by rows, lm_head whole.
		{"bf16 kept half, untied", weightTensors(safetensors.BF16, true), false, Options{KeepHalfWeights: true}, false, weightBytes{10688, 192, 20992}},
		// float32 in place: 3200·4 + 2048·4 + 32·4, the tower's 512·4 + 16·4
		// with images.
		{"f32 in place, text only", weightTensors(safetensors.F32, false), true, Options{}, false, weightBytes{21120, 0, 0}},
		{"f32 in place, images", weightTensors(safetensors.F32, false), true, Options{}, true, weightBytes{23232, 0, 0}},
		// float64 compute: the decoder's tensors converted at 8 bytes
		// (3200·8 + 2048·8 + 32·8), the tower stays float32 in place.
		{"f32 checkpoint, float64 compute", weightTensors(safetensors.F32, false), true, Options{DType: graph.Float64}, true, weightBytes{44352, 42240, 0}},
		// bfloat16 matrix products: the decoder's matrices converted to 2
		// bytes (3200·2 + 2048·2), its norm and the tower in place.
		{"f32 checkpoint, bf16 products", weightTensors(safetensors.F32, false), true, Options{MatMul: graph.BFloat16}, true, weightBytes{12736, 10496, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := residentWeights(tc.tensors, tc.tied, tc.opts, tc.images); got != tc.want {
				t.Errorf("residentWeights = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestVisionTensor(t *testing.T) {
	for name, want := range map[string]bool{
		"model.visual.blocks.0.attn.qkv.weight":                true,
		"visual.merger.mlp.0.weight":                           true,
		"vision_tower.vision_model.embeddings.patch_embedding": true,
		"model.multi_modal_projector.linear_1.weight":          true,
		"model.language_model.layers.0.self_attn.q_proj":       false,
		"lm_head.weight":         false,
		"model.visualize.weight": false,
	} {
		if got := visionTensor(name); got != want {
			t.Errorf("visionTensor(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestGraphOf(t *testing.T) {
	for name, want := range map[string]string{
		"model.language_model.layers.12.mlp.up_proj.weight": "layer 12",
		"language_model.model.layers.0.self_attn.q_proj":    "layer 0",
		"model.visual.blocks.3.attn.qkv.weight":             "vision",
		"lm_head.weight":                                    "head",
		"model.language_model.embed_tokens.weight":          "head",
	} {
		if got := graphOf(name); got != want {
			t.Errorf("graphOf(%q) = %q, want %q", name, got, want)
		}
	}
}
