// Package blocks holds the ONNX graph building blocks that model families
// compose: linear layers, norms (RMSNorm, Gemma's (1 + w) RMSNorm,
// LayerNorm), activations, MLPs (gated and dense), rotary embeddings and
// their position tables, grouped-query attention, and the decoder graphs
// the knockout engine needs — one decoder layer with a KV cache exposing
// the final query row's attention logits, the knockout tail (o_proj and
// the rest of the layer for a batch of replacement head outputs), the
// brute-force recompute graph and the final norm with lm_head — plus the
// vision-tower pieces (patch embedding, ViT blocks, mergers and
// projectors).
//
// Every block is a plain function of a graph under construction (G) and
// is tested on its own against a float64 Go implementation; a family
// package only says which blocks its checkpoints use and how their tensors
// are named. See docs/architecture.md, "Adding a model family".
package blocks
