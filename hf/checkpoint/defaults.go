package checkpoint

// textDefaults are the values transformers 4.57 uses for absent text keys.
type textDefaults struct {
	vocab, hidden, intermediate, layers, heads, kvHeads int
	headDim                                             int // 0: hidden_size / num_attention_heads
	rmsNormEps, ropeTheta                               float64
	maxPositions, maxWindowLayers, slidingWindow        int
	mropeSection                                        []int // used when the config has none
	hiddenAct                                           string
	tie                                                 bool // tie_word_embeddings
	// Gemma 3 only.
	ropeLocalTheta, queryPreAttnScalar float64
	slidingWindowPattern               int
}

// textDefaultsFor returns the defaults of each family's text configuration
// class, from transformers 4.57:
//
//   - qwen3_vl: Qwen3VLTextConfig in configuration_qwen3_vl.py; the default
//     mrope_section [24, 20, 20] is Qwen3VLTextRotaryEmbedding's, in
//     modeling_qwen3_vl.py.
//   - qwen2_5_vl: Qwen2_5_VLTextConfig (configuration_qwen2_5_vl.py).
//   - qwen2_vl: Qwen2VLTextConfig (configuration_qwen2_vl.py). Neither
//     Qwen2 VL family has a default mrope_section: their rotary code indexes
//     rope_scaling["mrope_section"], so Validate requires one.
//   - qwen3: Qwen3Config (configuration_qwen3.py).
//   - qwen2: Qwen2Config (configuration_qwen2.py).
//   - llava: LlamaConfig (configuration_llama.py), LlavaConfig's text model
//     when text_config has no other model_type.
//   - gemma3: Gemma3TextConfig (configuration_gemma3.py), whose activation
//     key is hidden_activation.
//
// num_key_value_heads falls back to num_attention_heads when null in every
// class; rms_norm_eps, hidden_act ("silu") and the rest are below.
func textDefaultsFor(f Family) textDefaults {
	switch f {
	case Llava:
		return textDefaults{vocab: 32000, hidden: 4096, intermediate: 11008, layers: 32, heads: 32, kvHeads: 32,
			rmsNormEps: 1e-6, ropeTheta: 10000, maxPositions: 2048, hiddenAct: "silu"}
	case Gemma3:
		return textDefaults{vocab: 262208, hidden: 2304, intermediate: 9216, layers: 26, heads: 8, kvHeads: 4,
			headDim: 256, rmsNormEps: 1e-6, ropeTheta: 1e6, maxPositions: 131072, slidingWindow: 4096,
			hiddenAct: "gelu_pytorch_tanh", tie: true, ropeLocalTheta: 10000, queryPreAttnScalar: 256, slidingWindowPattern: 6}
	case Qwen3VL:
		return textDefaults{vocab: 151936, hidden: 4096, intermediate: 22016, layers: 32, heads: 32, kvHeads: 32,
			headDim: 128, rmsNormEps: 1e-6, ropeTheta: 5000000, maxPositions: 128000, mropeSection: []int{24, 20, 20},
			hiddenAct: "silu"}
	case Qwen25VL, Qwen2VL:
		return textDefaults{vocab: 152064, hidden: 8192, intermediate: 29568, layers: 80, heads: 64, kvHeads: 8,
			rmsNormEps: 1e-5, ropeTheta: 1000000, maxPositions: 32768, maxWindowLayers: 80, slidingWindow: 4096,
			hiddenAct: "silu"}
	case Qwen3:
		return textDefaults{vocab: 151936, hidden: 4096, intermediate: 22016, layers: 32, heads: 32, kvHeads: 32,
			headDim: 128, rmsNormEps: 1e-6, ropeTheta: 10000, maxPositions: 32768, maxWindowLayers: 28, slidingWindow: 4096,
			hiddenAct: "silu"}
	default: // Qwen2
		return textDefaults{vocab: 151936, hidden: 4096, intermediate: 22016, layers: 32, heads: 32, kvHeads: 32,
			rmsNormEps: 1e-6, ropeTheta: 10000, maxPositions: 32768, maxWindowLayers: 28, slidingWindow: 4096,
			hiddenAct: "silu"}
	}
}

// visionDefaultsFor returns the defaults of each family's vision
// configuration class, from transformers 4.57: Qwen3VLVisionConfig,
// Qwen2_5_VLVisionConfig and Qwen2VLVisionConfig. For Qwen2-VL, HiddenSize
// holds embed_dim (1280), OutHiddenSize the class's hidden_size (3584), and
// IntermediateSize embed_dim × mlp_ratio (4), as Qwen2VLVisionBlock sizes its
// MLP. in_channels is 3 and temporal_patch_size and spatial_merge_size 2 in
// all three.
//
// LLaVA's tower is a CLIPVisionConfig; with no vision_config at all,
// LlavaConfig builds the CLIP ViT-L/14-336 of LLaVA-1.5 (hidden 1024, 24
// layers, 16 heads, MLP 4096, patch 14, image 336), and a vision_config
// without those keys takes CLIPVisionConfig's own defaults (hidden 768, 12
// layers, 12 heads, MLP 3072, patch 32, image 224). Gemma 3's is a
// SiglipVisionConfig (hidden 768, 12 layers, 12 heads, MLP 3072, patch 16,
// image 224). Both take 3 channels; CLIP uses quick_gelu and LayerNorm eps
// 1e-5, SigLIP gelu_pytorch_tanh and 1e-6.
func visionDefaultsFor(f Family) VisionConfig {
	switch f {
	case Llava:
		return VisionConfig{ModelType: "clip_vision_model", Depth: 12, HiddenSize: 768, IntermediateSize: 3072, NumHeads: 12,
			PatchSize: 32, ImageSize: 224, TemporalPatchSize: 1, SpatialMergeSize: 1, InChannels: 3, HiddenAct: "quick_gelu",
			LayerNormEps: 1e-5}
	case Gemma3:
		return VisionConfig{ModelType: "siglip_vision_model", Depth: 12, HiddenSize: 768, IntermediateSize: 3072, NumHeads: 12,
			PatchSize: 16, ImageSize: 224, TemporalPatchSize: 1, SpatialMergeSize: 1, InChannels: 3,
			HiddenAct: "gelu_pytorch_tanh", LayerNormEps: 1e-6, UseHead: true}
	case Qwen3VL:
		return VisionConfig{Depth: 27, HiddenSize: 1152, IntermediateSize: 4304, NumHeads: 16, PatchSize: 16,
			TemporalPatchSize: 2, SpatialMergeSize: 2, InChannels: 3, OutHiddenSize: 3584, HiddenAct: "gelu_pytorch_tanh",
			NumPositionEmbeddings: 2304, DeepstackVisualIndexes: []int{8, 16, 24}}
	case Qwen25VL:
		return VisionConfig{Depth: 32, HiddenSize: 3584, IntermediateSize: 3420, NumHeads: 16, PatchSize: 14,
			TemporalPatchSize: 2, SpatialMergeSize: 2, InChannels: 3, OutHiddenSize: 3584, HiddenAct: "silu",
			WindowSize: 112, FullAttBlockIndexes: []int{7, 15, 23, 31}, TokensPerSecond: 4}
	default: // Qwen2VL
		return VisionConfig{Depth: 32, HiddenSize: 1280, IntermediateSize: 1280 * 4, NumHeads: 16, PatchSize: 14,
			TemporalPatchSize: 2, SpatialMergeSize: 2, InChannels: 3, OutHiddenSize: 3584, HiddenAct: "quick_gelu",
			EmbedDim: 1280, MLPRatio: 4}
	}
}
