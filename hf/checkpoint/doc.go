// Package checkpoint loads a Hugging Face checkpoint directory's
// configuration (config.json and, when present, generation_config.json)
// into one normalized Config, with the defaults Hugging Face transformers'
// configuration classes apply to absent keys, for the families vlmask
// knows: the Qwen ones — qwen3_vl, qwen2_5_vl, qwen2_vl, qwen3 and qwen2 —,
// LLaVA-1.5 (llava: a CLIP tower, a projector, a Llama decoder) and Gemma 3
// (gemma3: a SigLIP tower, an average-pooling projector, a Gemma 3 decoder
// with sliding-window layers, its own local RoPE base, query_pre_attn_scalar
// and soft-capping).
//
// Calls go one way: model backends, the front end and the CLI call Load
// (which also runs Config.Validate) and read the result; this package calls
// nothing else of vlmask's and reads no weights (see hf/safetensors).
//
// Both config.json layouts are accepted: the nested one that transformers
// writes today (text fields under text_config, vision fields under
// vision_config) and the flat one of the published Qwen2-VL and Qwen2.5-VL
// checkpoints (text fields at the top level, rope_scaling
// {"type": "mrope", "mrope_section": [...]}). RoPE settings are read from
// rope_scaling (transformers 4.x) or rope_parameters (5.x).
//
// Defaults for absent keys follow transformers 4.57's configuration
// classes (configuration_qwen3_vl.py, configuration_qwen2_5_vl.py,
// configuration_qwen2_vl.py, configuration_qwen3.py, configuration_qwen2.py,
// configuration_llava.py with LlamaConfig and CLIPVisionConfig,
// configuration_gemma3.py with SiglipVisionConfig) and its modeling code
// where that is what decides (head_dim, attention biases, interleaved
// mRoPE); defaults.go lists each one with its source. Special token ids of
// the Qwen families are the exception: an absent id is -1, never the real
// Qwen vocabulary's id, because checkpoints with other vocabularies exist.
// LLaVA and Gemma 3 configs name their image tokens by index
// (image_token_index, boi_token_index), and their class defaults apply.
//
// A LLaVA or Gemma 3 config whose text_config or vision_config names
// another model type (a Mistral decoder, a SigLIP tower for LLaVA) is
// refused with ErrUnsupportedModel.
package checkpoint
