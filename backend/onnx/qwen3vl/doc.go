// Package qwen3vl builds and runs Qwen3-VL (and the Qwen3 text models that
// share its decoder) on ONNX Runtime, from a Hugging Face checkpoint
// directory, and implements core.Model.
//
// Every graph is built here in memory from the checkpoint's weights, which
// ORT reads in place (zero copy) from the memory-mapped safetensors or from
// one converted copy when the checkpoint's dtype is not the compute dtype:
//
//   - the vision tower, one run per image: patch embedding as a Gemm over
//     flattened patches, bilinearly interpolated learned position
//     embeddings, 2-D rotary embeddings, the ViT blocks, the patch merger and
//     the DeepStack mergers;
//   - one session per decoder layer (RMSNorm, q/k/v projections, q_norm and
//     k_norm, interleaved MRoPE, grouped-query attention under a causal mask,
//     o_proj, SwiGLU MLP) with a KV cache, exposing the final query row's
//     attention logits and the values the knockout engine needs;
//   - per layer, a "tail" session (o_proj and the MLP block at the final
//     position for a batch of replacement head outputs) and a brute-force
//     "recompute" session;
//   - the final norm and lm_head.
//
// Position tables (text MRoPE cos/sin, vision rotary cos/sin, interpolated
// vision position embeddings) are computed in Go and fed as graph inputs, in
// float32 as transformers computes them.
package qwen3vl
