// Package testmodel writes random-weight Hugging Face checkpoints that vlmask
// loads exactly like downloaded ones: the tiny Qwen3-VL model behind
// `make demo` and the tests, tiny Qwen2-VL, Qwen2.5-VL, LLaVA-1.5 and
// Gemma 3 models in the golden tiny shapes, and checkpoints with real
// published shapes (Qwen3-VL-2B, Qwen2-VL-2B/7B, Qwen2.5-VL-3B/7B,
// LLaVA-1.5-7B, Gemma-3-4B) for benchmarks.
//
// Generate writes a complete checkpoint directory: config.json,
// generation_config.json, model.safetensors (or shards with
// model.safetensors.index.json when the weights are large), a small
// byte-level BPE tokenizer in the exact Qwen2/Qwen3 file formats
// (tokenizer.json, vocab.json, merges.txt, tokenizer_config.json), the
// family's real chat template (chat_template.json), and the image (and, for
// Qwen3-VL, video) preprocessor configurations. File names, field names,
// tensor names and shapes mirror what transformers 4.57.6 saves for
// Qwen3VLForConditionalGeneration, Qwen3ForCausalLM,
// Qwen2VLForConditionalGeneration and Qwen2_5_VLForConditionalGeneration,
// as the golden checkpoints in testdata/golden show.
//
// LLaVA and Gemma 3 checkpoints carry the golden tiny checkpoints'
// SentencePiece tokenizers and chat templates instead (embedded unchanged:
// tokenizer.json, tokenizer.model, tokenizer_config.json and the rest),
// with config.json, generation_config.json, preprocessor_config.json and
// processor_config.json written from the preset, in the published layout
// (language_model.*, vision_tower.*, multi_modal_projector.*).
//
// Everything is deterministic. The Qwen tokenizer is learned from an embedded
// English corpus and does not depend on the seed. Each tensor is drawn from
// its own math/rand/v2 PCG streams, keyed by the seed and the tensor's name,
// so a tensor's values do not depend on the other tensors, on the number of
// layers or on how many goroutines draw them; bfloat16 output is the float32
// values rounded to nearest even. The initialization follows the golden
// checkpoints: Linear and Conv weights N(0, 1/fan_in), biases N(0, 0.1²),
// token embeddings N(0, 1), the vision position table (and CLIP's class
// embedding) N(0, 0.5²), norm weights 1 + N(0, 0.1²) — Gemma's (1 + w)
// RMSNorm weights N(0, 0.1²).
//
// NewPlan resolves Options into the configuration values and the tensor list
// without drawing any weight, so large presets can be checked cheaply.
//
// Calls go one way: the CLI (vlmask testmodel, make demo), benchmarks and
// tests call Generate or NewPlan; this package calls hf/safetensors to
// write the weights and nothing else of vlmask's.
package testmodel
