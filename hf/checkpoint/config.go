package checkpoint

import "slices"

// Config is a checkpoint's configuration, normalized across families and
// config.json layouts.
type Config struct {
	// Dir is the checkpoint directory.
	Dir string
	// ModelType is config.json's model_type; Family is the same value,
	// typed.
	ModelType string
	Family    Family
	// DType is "dtype" (transformers 5) or "torch_dtype" (4.x), e.g.
	// "float32" or "bfloat16"; empty when absent.
	DType string

	Text TextConfig
	// Vision is nil for text-only families.
	Vision *VisionConfig

	// Special token ids from config.json; -1 when absent.
	ImageTokenID, VideoTokenID, VisionStartTokenID, VisionEndTokenID int

	// TieWordEmbeddings: lm_head reuses embed_tokens (no lm_head.weight).
	TieWordEmbeddings bool

	// BOSTokenID (-1 when absent) and EOSTokenIDs come from config.json,
	// top level or text_config.
	BOSTokenID  int
	EOSTokenIDs []int

	// Generation is generation_config.json, or its defaults when the file
	// is absent.
	Generation GenerationConfig

	// JSON path prefixes for error messages: textPath is "text_config." in
	// the nested layout and "" in the flat one; ropePath adds rope_scaling
	// or rope_parameters.
	textPath, ropePath string
	// headDimDerived: head_dim was absent and is hidden_size / num_heads.
	headDimDerived bool
}

// TextConfig is the decoder's configuration.
type TextConfig struct {
	VocabSize, HiddenSize, IntermediateSize int
	NumLayers, NumHeads, NumKVHeads         int
	// HeadDim is head_dim when given, else 128 for the Qwen3 families (the
	// configuration classes' default) and hidden_size / num_attention_heads
	// for the Qwen2 families (their attention modules' fallback).
	HeadDim int

	RMSNormEps float64
	HiddenAct  string

	// RopeTheta is the RoPE base. RopeType is rope_scaling's (or
	// rope_parameters') rope_type, "default" when absent; the Qwen2-VL
	// spelling "mrope" is normalized to "default".
	RopeTheta float64
	RopeType  string
	// MRopeSection splits head_dim/2 rotary frequencies among the temporal,
	// height and width position ids (VL families; nil for text ones).
	// MRopeInterleaved is true for Qwen3-VL, whose rotary embedding always
	// interleaves the sections, and false for Qwen2-VL and Qwen2.5-VL.
	MRopeSection     []int
	MRopeInterleaved bool

	// AttentionBias: q_proj, k_proj and v_proj have biases. Always true for
	// the Qwen2 families (their attention hard-codes it); attention_bias for
	// the Qwen3 families. OProjBias: o_proj has a bias (attention_bias for
	// Qwen3 families, false for Qwen2 ones).
	AttentionBias bool
	OProjBias     bool
	// QKNorm: q_norm and k_norm RMSNorms over each head (Qwen3 families).
	QKNorm bool

	MaxPositionEmbeddings int
	// SlidingWindow is the window of "sliding_attention" layers, 0 when
	// use_sliding_window is false. LayerTypes has one entry per layer,
	// "full_attention" or "sliding_attention".
	SlidingWindow int
	LayerTypes    []string
}

// VisionConfig is the vision tower's configuration. HiddenSize is always
// the tower's width and OutHiddenSize the patch merger's output (the
// decoder's hidden size), whatever the family calls them.
type VisionConfig struct {
	Depth, HiddenSize, IntermediateSize, NumHeads  int
	PatchSize, TemporalPatchSize, SpatialMergeSize int
	InChannels, OutHiddenSize                      int
	HiddenAct                                      string

	// NumPositionEmbeddings is the learned position table's size, a square
	// (Qwen3-VL). DeepstackVisualIndexes are the vision blocks whose
	// features are added after decoder layers 0, 1, ... (Qwen3-VL).
	NumPositionEmbeddings  int
	DeepstackVisualIndexes []int

	// WindowSize (in pixels), FullAttBlockIndexes and TokensPerSecond are
	// Qwen2.5-VL's window attention and video timing.
	WindowSize          int
	FullAttBlockIndexes []int
	TokensPerSecond     float64

	// EmbedDim and MLPRatio are Qwen2-VL's raw fields: HiddenSize is
	// EmbedDim and IntermediateSize is EmbedDim × MLPRatio.
	EmbedDim int
	MLPRatio float64
}

// GenerationConfig is generation_config.json.
type GenerationConfig struct {
	// Present is false when the checkpoint has no generation_config.json.
	Present bool
	// EOSTokenIDs is eos_token_id as a list; PadTokenID and BOSTokenID are
	// -1 when absent.
	EOSTokenIDs []int
	PadTokenID  int
	BOSTokenID  int
	// Sampling settings, with transformers' GenerationConfig defaults
	// (do_sample false, temperature 1, top_k 50, top_p 1,
	// repetition_penalty 1). vlmask decodes greedily; these are recorded,
	// not applied.
	DoSample          bool
	Temperature       float64
	TopK              int
	TopP              float64
	RepetitionPenalty float64
}

// StopTokenIDs is the union of generation_config.json's and config.json's
// EOS ids, generation's first, without duplicates.
func (c *Config) StopTokenIDs() []int {
	var out []int
	for _, id := range slices.Concat(c.Generation.EOSTokenIDs, c.EOSTokenIDs) {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
