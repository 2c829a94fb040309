package testmodel

import (
	"fmt"
	"math"
)

// qwen2Decoder adds the Qwen2 decoder under prefix: embeddings, layers
// with q/k/v biases and no q/k norms, final norm.
func (l *tensorLister) qwen2Decoder(prefix string, t TextShape) {
	l.add(prefix+"embed_tokens.weight", 0, 1, t.VocabSize, t.HiddenSize)
	q, kv := t.NumHeads*t.HeadDim, t.NumKVHeads*t.HeadDim
	for i := range t.NumLayers {
		p := fmt.Sprintf("%slayers.%d.", prefix, i)
		l.linear(p+"self_attn.q_proj", q, t.HiddenSize, true)
		l.linear(p+"self_attn.k_proj", kv, t.HiddenSize, true)
		l.linear(p+"self_attn.v_proj", kv, t.HiddenSize, true)
		l.linear(p+"self_attn.o_proj", t.HiddenSize, q, false)
		l.linear(p+"mlp.gate_proj", t.IntermediateSize, t.HiddenSize, false)
		l.linear(p+"mlp.up_proj", t.IntermediateSize, t.HiddenSize, false)
		l.linear(p+"mlp.down_proj", t.HiddenSize, t.IntermediateSize, false)
		l.norm(p+"input_layernorm", t.HiddenSize, false)
		l.norm(p+"post_attention_layernorm", t.HiddenSize, false)
	}
	l.norm(prefix+"norm", t.HiddenSize, false)
}

// qwen2VisionTower adds the Qwen2-VL (windowed false: LayerNorms with
// biases, fc1/fc2 MLP) or Qwen2.5-VL (RMSNorms, gated MLP with biases)
// vision tower under prefix: the bias-free Conv3d patch embedding, the
// blocks (fused qkv with bias, proj) and the merger (ln_q, mlp.0, mlp.2).
func (l *tensorLister) qwen2VisionTower(prefix string, v VisionShape, windowed bool) {
	fanIn := v.InChannels * v.TemporalPatchSize * v.PatchSize * v.PatchSize
	l.add(prefix+"patch_embed.proj.weight", 0, 1/math.Sqrt(float64(fanIn)),
		v.HiddenSize, v.InChannels, v.TemporalPatchSize, v.PatchSize, v.PatchSize)
	for i := range v.Depth {
		p := fmt.Sprintf("%sblocks.%d.", prefix, i)
		l.norm(p+"norm1", v.HiddenSize, !windowed)
		l.norm(p+"norm2", v.HiddenSize, !windowed)
		l.linear(p+"attn.qkv", 3*v.HiddenSize, v.HiddenSize, true)
		l.linear(p+"attn.proj", v.HiddenSize, v.HiddenSize, true)
		if windowed {
			l.linear(p+"mlp.gate_proj", v.IntermediateSize, v.HiddenSize, true)
			l.linear(p+"mlp.up_proj", v.IntermediateSize, v.HiddenSize, true)
			l.linear(p+"mlp.down_proj", v.HiddenSize, v.IntermediateSize, true)
		} else {
			l.linear(p+"mlp.fc1", v.IntermediateSize, v.HiddenSize, true)
			l.linear(p+"mlp.fc2", v.HiddenSize, v.IntermediateSize, true)
		}
	}
	merged := v.MergedSize()
	l.norm(prefix+"merger.ln_q", v.HiddenSize, !windowed)
	l.linear(prefix+"merger.mlp.0", merged, merged, true)
	l.linear(prefix+"merger.mlp.2", v.OutHiddenSize, merged, true)
}
