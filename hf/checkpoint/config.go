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
	// Projector is the multimodal projector of LLaVA and Gemma 3 (nil for
	// the Qwen families, whose patch merger is part of Vision).
	Projector *ProjectorConfig

	// Special token ids from config.json; -1 when absent. ImageTokenID is
	// image_token_id, or LLaVA's and Gemma 3's image_token_index (<image>,
	// <image_soft_token>); VisionStartTokenID and VisionEndTokenID are
	// Qwen's vision_start/end_token_id or Gemma 3's boi_token_index and
	// eoi_token_index (<start_of_image>, <end_of_image>). LLaVA and Gemma 3
	// take their configuration classes' defaults for absent ids, as
	// transformers does.
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
	// RopeScaling holds the scaling parameters of rope_scaling (or
	// rope_parameters) for a RopeType other than "default"; zero when
	// absent. Gemma 3 applies it to its full-attention layers only.
	RopeScaling RopeScaling
	// RopeLocalTheta is the RoPE base of Gemma 3's sliding-attention layers
	// (rope_local_base_freq), which use no scaling; 0 for the other
	// families, whose layers all use RopeTheta.
	RopeLocalTheta float64
	// QueryPreAttnScalar is Gemma 3's query_pre_attn_scalar: attention
	// scores are scaled by QueryPreAttnScalar^-0.5 instead of
	// head_dim^-0.5. 0 for the other families.
	QueryPreAttnScalar float64
	// FinalLogitSoftcapping and AttnLogitSoftcapping are Gemma 3's tanh
	// soft-capping c·tanh(x/c) of the logits and of the attention scores;
	// 0 means none (a null in config.json, as the published Gemma 3 has).
	FinalLogitSoftcapping, AttnLogitSoftcapping float64
	// UseBidirectionalAttention is Gemma 3 text's
	// use_bidirectional_attention (EmbeddingGemma; false for the
	// vision-language model). When set, SlidingWindow already is
	// sliding_window/2 + 1, as transformers sets it.
	UseBidirectionalAttention bool

	// AttentionBias: q_proj, k_proj and v_proj have biases. Always true for
	// the Qwen2 families (their attention hard-codes it); attention_bias for
	// the Qwen3 families, Llama (LLaVA) and Gemma 3. OProjBias: o_proj has
	// a bias (attention_bias for those, false for the Qwen2 families).
	AttentionBias bool
	OProjBias     bool
	// MLPBias: gate_proj, up_proj and down_proj have biases (Llama's
	// mlp_bias; false for the others).
	MLPBias bool
	// QKNorm: q_norm and k_norm RMSNorms over each head (Qwen3 families,
	// Gemma 3).
	QKNorm bool

	MaxPositionEmbeddings int
	// SlidingWindow is the window of "sliding_attention" layers, 0 when
	// there are none (Qwen's use_sliding_window false): query position q
	// sees keys k with q − SlidingWindow < k ≤ q. LayerTypes has one entry
	// per layer, "full_attention" or "sliding_attention"; for Gemma 3
	// without layer_types it follows sliding_window_pattern (default 6):
	// layer i is full exactly when (i + 1) % pattern == 0.
	SlidingWindow int
	LayerTypes    []string
}

// RopeScaling is the parameters of a scaled RoPE. Factor serves "linear"
// (positions divided by it), "dynamic", "yarn" and "llama3";
// LowFreqFactor, HighFreqFactor and OriginalMaxPositionEmbeddings serve
// "llama3" (and OriginalMaxPositionEmbeddings "yarn" and "dynamic").
type RopeScaling struct {
	Factor                        float64
	LowFreqFactor, HighFreqFactor float64
	OriginalMaxPositionEmbeddings int
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

	// ModelType is vision_config's model_type for the towers of LLaVA
	// ("clip_vision_model") and Gemma 3 ("siglip_vision_model"); empty for
	// the Qwen families. For these towers Depth is num_hidden_layers,
	// NumHeads num_attention_heads, InChannels num_channels, there is no
	// temporal patch or merge (both 1), and OutHiddenSize is the
	// projector's output, the decoder's hidden size.
	ModelType string
	// ImageSize is the side of the square image a CLIP or SigLIP tower
	// takes: (ImageSize/PatchSize)² patches, each with a learned position
	// embedding (CLIP adds one for its class token).
	ImageSize int
	// LayerNormEps is the tower's LayerNorm epsilon (CLIP, SigLIP).
	LayerNormEps float64
	// UseHead is SigLIP's vision_use_head (an attention-pooling head after
	// post_layernorm), default true; Gemma 3 sets it false and reads the
	// tower's last_hidden_state.
	UseHead bool
}

// ProjectorConfig is the multimodal projector that turns vision features
// into decoder embeddings, for LLaVA and Gemma 3.
type ProjectorConfig struct {
	// HiddenAct is LLaVA's projector_hidden_act ("gelu"), between its two
	// linear layers; empty for Gemma 3.
	HiddenAct string
	// Bias is LLaVA's multimodal_projector_bias: both linear layers have
	// biases. Gemma 3's projection has none.
	Bias bool
	// FeatureLayers are the vision tower hidden states LLaVA projects
	// (vision_feature_layer, one entry or several that are concatenated):
	// index i of hidden_states, the embeddings being 0 and layer j's output
	// j+1, negative counting from the end (−2: the second-to-last layer's
	// output). nil for Gemma 3, which projects last_hidden_state (after
	// post_layernorm).
	FeatureLayers []int
	// FeatureSelectStrategy is LLaVA's vision_feature_select_strategy:
	// "default" drops the class token, "full" keeps it. Empty for Gemma 3.
	FeatureSelectStrategy string
	// TokensPerImage is Gemma 3's mm_tokens_per_image (a square: the
	// average pooling turns the patch grid into √TokensPerImage ×
	// √TokensPerImage tokens) or LLaVA's image_seq_length (informative: the
	// processor counts the tokens from the image size).
	TokensPerImage int
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
