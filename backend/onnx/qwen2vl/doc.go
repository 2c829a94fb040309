// Package qwen2vl is the Qwen2-VL and Qwen2.5-VL model families: it
// describes their checkpoints to the shared decoder runtime and builds
// their vision towers from the shared blocks. One package serves both
// because they share everything but the vision blocks' details.
//
// The decoder is Qwen2's (Qwen2.5's is the same): RMSNorm, q/k/v biases
// without q/k norms, grouped-query attention, a SwiGLU MLP and MRoPE whose
// frequency sections are contiguous (mrope_section); lm_head tied to the
// embeddings or not, as config.json says.
//
// The vision towers embed 14-pixel patches with a bias-free Conv3d (a Gemm
// over the processor's flattened patches), rotate queries and keys with
// the Qwen-VL 2-D rotary tables and end in the patch merger (norm, then
// Linear-GELU-Linear over each 2×2 window of patches). Qwen2-VL's blocks
// use LayerNorm and a quick-GELU MLP and attend over the whole image.
// Qwen2.5-VL's use RMSNorm and a gated SiLU MLP with biases, and attend
// within windows of window_size pixels except at fullatt_block_indexes:
// the merged patches are put in window order (windowOrder), each window
// attends to itself through a block-diagonal mask, and the merged
// embeddings are put back in the processor's order.
//
// Each image runs through the tower on its own, so attention never
// crosses images (cu_seqlens per image). Position tables are computed in
// Go and fed as graph inputs, in float32 as transformers computes them.
package qwen2vl
