// Package decoder runs a transformer decoder built from the shared graph
// blocks on ONNX Runtime, from a Hugging Face checkpoint, and implements
// core.Model: the embedding lookup (with the images' features scattered
// in), one session per decoder layer with a KV cache, the per-layer
// knockout probe (the final query row's attention logits and values, the
// knockout tail and the brute-force recompute graph), the final norm and
// lm_head, and the family's vision tower.
//
// A model family describes its checkpoints with a Spec — the decoder's
// shape and options, each layer's rotary table and attention window, how
// embeddings are scaled, which tensors are the final norm and lm_head, and
// a VisionTower — and Load does the rest. Adding a family never touches
// this package or the knockout engine (docs/architecture.md).
//
// Every graph is built in memory from the checkpoint's weights, which ORT
// reads in place (zero copy) from the memory-mapped safetensors or from one
// converted copy when the checkpoint's dtype is not the compute dtype.
package decoder
