// Package checkpoint loads a Hugging Face checkpoint directory's
// configuration (config.json and, when present, generation_config.json) for
// the Qwen families vlmask runs — qwen3_vl, qwen2_5_vl, qwen2_vl, qwen3 and
// qwen2 — into one normalized Config, with the defaults Hugging Face
// transformers' configuration classes apply to absent keys.
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
// configuration_qwen2_vl.py, configuration_qwen3.py, configuration_qwen2.py)
// and its modeling code where that is what decides (head_dim, attention
// biases, interleaved mRoPE); defaults.go lists each one with its source.
// Special token ids are the exception: an absent id is -1, never the real
// Qwen vocabulary's id, because checkpoints with other vocabularies exist.
package checkpoint
