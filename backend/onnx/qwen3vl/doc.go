// Package qwen3vl is the Qwen3-VL model family (and the Qwen3 text models
// that share its decoder): it describes a checkpoint to the shared decoder
// runtime and builds the Qwen3-VL vision tower from the shared blocks.
//
// The decoder is Qwen3's: RMSNorm, q/k norms, interleaved MRoPE (plain
// RoPE for text models), grouped-query attention, SwiGLU MLP. The vision
// tower: patch embedding as a Gemm over flattened patches, bilinearly
// interpolated learned position embeddings, 2-D rotary embeddings,
// LayerNorm ViT blocks with a tanh-GELU MLP, the patch merger and the
// DeepStack mergers whose features are added to the image tokens' hidden
// states after the first decoder layers.
//
// Position tables (text MRoPE cos/sin, vision rotary cos/sin, interpolated
// vision position embeddings) are computed in Go and fed as graph inputs,
// in float32 as transformers computes them.
package qwen3vl
