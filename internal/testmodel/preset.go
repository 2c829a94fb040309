package testmodel

// TextShape is the decoder's configuration.
type TextShape struct {
	VocabSize, HiddenSize, IntermediateSize  int
	NumLayers, NumHeads, NumKVHeads, HeadDim int
	RMSNormEps, RopeTheta                    float64
	// MRopeSection splits head_dim/2 rotary frequencies among the
	// temporal, height and width position ids (interleaved for Qwen3-VL,
	// contiguous for the Qwen2 families); nil for the text-only family.
	MRopeSection          []int
	MaxPositionEmbeddings int
	// TieWordEmbeddings: lm_head reuses embed_tokens, and the checkpoint
	// has no lm_head.weight.
	TieWordEmbeddings bool

	// Gemma 3 only (zero for the other families). SlidingCycle are the
	// layer types from layer 0 on, repeated over the layers (true:
	// sliding-window attention), and SlidingWindow their window.
	// RopeLocalTheta is the sliding layers' RoPE base and RopeLinearFactor
	// the full layers' linear RoPE scaling; QueryPreAttnScalar scales the
	// attention logits by its inverse square root.
	SlidingCycle       []bool
	SlidingWindow      int
	RopeLocalTheta     float64
	RopeLinearFactor   float64
	QueryPreAttnScalar float64
}

// LayerTypes are config.json's layer_types: SlidingCycle over the layers,
// or all full attention without one.
func (t TextShape) LayerTypes() []string {
	types := make([]string, t.NumLayers)
	for i := range types {
		types[i] = "full_attention"
		if len(t.SlidingCycle) > 0 && t.SlidingCycle[i%len(t.SlidingCycle)] {
			types[i] = "sliding_attention"
		}
	}
	return types
}

// VisionShape is a vision tower's configuration. HiddenSize is the
// tower's width (Qwen2-VL's embed_dim) and OutHiddenSize the merger's
// output (Qwen2-VL's hidden_size).
type VisionShape struct {
	Depth, HiddenSize, IntermediateSize, NumHeads  int
	PatchSize, TemporalPatchSize, SpatialMergeSize int
	InChannels, OutHiddenSize                      int
	// NumPositionEmbeddings is the learned position table's size, a
	// square (12×12 for tiny, 48×48 for 2b; Qwen3-VL).
	NumPositionEmbeddings int
	// DeepstackVisualIndexes are the vision blocks whose features are
	// added after decoder layers 0, 1, ... (Qwen3-VL).
	DeepstackVisualIndexes []int
	// WindowSize (pixels), FullAttBlockIndexes and TokensPerSecond are
	// Qwen2.5-VL's window attention and video timing.
	WindowSize          int
	FullAttBlockIndexes []int
	TokensPerSecond     int

	// LLaVA's CLIP and Gemma 3's SigLIP towers: the square image side,
	// LayerNorm epsilon, CLIP's projection_dim (written, unused) and the
	// image tokens of one image (LLaVA's image_seq_length, Gemma 3's
	// mm_tokens_per_image).
	ImageSize      int
	LayerNormEps   float64
	ProjectionDim  int
	TokensPerImage int
}

// MergedSize is the patch merger's input width: the vision hidden size
// times spatial_merge_size².
func (v VisionShape) MergedSize() int {
	return v.HiddenSize * v.SpatialMergeSize * v.SpatialMergeSize
}

// ImageBounds are the image processor's pixel bounds for smart_resize,
// written both as size {shortest_edge, longest_edge} and as
// min_pixels/max_pixels (transformers 4.57's slow processor reads only the
// latter).
type ImageBounds struct {
	MinPixels, MaxPixels int
}

// preset is one named shape of a family.
type preset struct {
	text   TextShape
	vision *VisionShape // nil for the text-only family
	image  *ImageBounds // nil for the text-only family
}

// lookupPreset returns the named preset of a family; both names have been
// checked by Options.resolve.
func lookupPreset(family, name string) preset {
	switch family {
	case FamilyQwen2VL:
		return qwen2VLPreset(name)
	case FamilyQwen25VL:
		return qwen25VLPreset(name)
	case FamilyLlava:
		return llavaPreset(name)
	case FamilyGemma3:
		return gemma3Preset(name)
	}
	var p preset
	switch name {
	case Preset2B:
		p = preset2B()
	case Preset8B:
		p = preset8B()
	default:
		p = presetTiny()
	}
	if family == FamilyQwen3 {
		p = textOnly(p, name)
	}
	return p
}

// presetTiny is the shape of the golden tiny checkpoints (golden README,
// "Model shapes"): the text vocabulary is the generated tokenizer's size.
// min_pixels is 128·128, so a 128×128 image is not resampled; max_pixels
// is 512·512, at most 256 image tokens, so the demo stays fast.
func presetTiny() preset {
	return preset{
		text: TextShape{
			VocabSize: tokenizerVocabSize, HiddenSize: 64, IntermediateSize: 128,
			NumLayers: 4, NumHeads: 4, NumKVHeads: 2, HeadDim: 16,
			RMSNormEps: 1e-6, RopeTheta: 5e6, MRopeSection: []int{4, 2, 2},
			MaxPositionEmbeddings: 4096,
		},
		vision: &VisionShape{
			Depth: 2, HiddenSize: 32, IntermediateSize: 64, NumHeads: 2,
			PatchSize: 16, TemporalPatchSize: 2, SpatialMergeSize: 2,
			InChannels: 3, OutHiddenSize: 64, NumPositionEmbeddings: 144,
			DeepstackVisualIndexes: []int{0, 1},
		},
		image: &ImageBounds{MinPixels: 128 * 128, MaxPixels: 512 * 512},
	}
}

// preset2B is Qwen/Qwen3-VL-2B-Instruct's shape. No copy of that model's own
// config.json was found with the search tools; every number below agrees
// across these public sources:
//   - a GR00T N1.7 port's backbone config (a Python dict COSMOS_REASON2_2B,
//     "the architecture is Qwen3-VL-2B-Instruct's"): all text and vision
//     numbers, mrope_section [24, 20, 20] interleaved, rope_theta 5000000,
//     max_position_embeddings 262144, tie_word_embeddings true,
//     deepstack_visual_indexes [5, 11, 17], num_position_embeddings 2304;
//   - a C++ Qwen3VLMeta dump of the 2B model: 28 layers, hidden 2048,
//     vocab 151936, 16 heads, 8 KV heads, head_dim 128, rms eps 1e-6,
//     theta 5e6, vision hidden 1024, 24 vision layers, 16 vision heads,
//     patch 16;
//   - a vLLM tuning plan's "Qwen3-VL-2B-Instruct" table: hidden 2048,
//     intermediate 6144, 28 layers, head_dim 128;
//   - sgl-jax's Qwen3VLVisionConfig defaults: depth 24, hidden 1024,
//     intermediate 4096, 16 heads, patch 16, out_hidden 2048, 2304
//     position embeddings, deepstack (5, 11, 17).
//
// The image bounds are the real Qwen3-VL preprocessor_config.json's
// (golden README: 65536..16777216). The tokenizer is still the generated
// 512-token one, so its special ids (504..511) are what config.json names;
// embedding rows from 512 on exist, as in the real model, and are never
// looked up.
func preset2B() preset {
	return preset{
		text: TextShape{
			VocabSize: 151936, HiddenSize: 2048, IntermediateSize: 6144,
			NumLayers: 28, NumHeads: 16, NumKVHeads: 8, HeadDim: 128,
			RMSNormEps: 1e-6, RopeTheta: 5e6, MRopeSection: []int{24, 20, 20},
			MaxPositionEmbeddings: 262144, TieWordEmbeddings: true,
		},
		vision: &VisionShape{
			Depth: 24, HiddenSize: 1024, IntermediateSize: 4096, NumHeads: 16,
			PatchSize: 16, TemporalPatchSize: 2, SpatialMergeSize: 2,
			InChannels: 3, OutHiddenSize: 2048, NumPositionEmbeddings: 2304,
			DeepstackVisualIndexes: []int{5, 11, 17},
		},
		image: &ImageBounds{MinPixels: 65536, MaxPixels: 16777216},
	}
}

// preset8B is Qwen/Qwen3-VL-8B-Instruct's shape. Its text tower is
// Qwen3-8B's, whose config.json is quoted in several public test suites
// (hidden 4096, intermediate 12288, 36 layers, 32 heads, 8 KV heads,
// head_dim 128, vocab 151936, untied lm_head); a Qwen3-VL port's test
// (mlx_vlm's qwen3_vl TextConfig) gives the same numbers with model_type
// qwen3_vl, rope_theta 5000000, mrope_section [24, 20, 20] and
// max_position_embeddings 262144. The vision tower (depth 27, hidden 1152,
// intermediate 4304, 16 heads, patch 16, out_hidden 4096, 2304 position
// embeddings, deepstack [8, 16, 24]) is the published one quoted by two
// independent ports' tests (a Swift Qwen3-VL port's "published vision
// shape", and a Python adapter's official-checkpoint config).
func preset8B() preset {
	return preset{
		text: TextShape{
			VocabSize: 151936, HiddenSize: 4096, IntermediateSize: 12288,
			NumLayers: 36, NumHeads: 32, NumKVHeads: 8, HeadDim: 128,
			RMSNormEps: 1e-6, RopeTheta: 5e6, MRopeSection: []int{24, 20, 20},
			MaxPositionEmbeddings: 262144,
		},
		vision: &VisionShape{
			Depth: 27, HiddenSize: 1152, IntermediateSize: 4304, NumHeads: 16,
			PatchSize: 16, TemporalPatchSize: 2, SpatialMergeSize: 2,
			InChannels: 3, OutHiddenSize: 4096, NumPositionEmbeddings: 2304,
			DeepstackVisualIndexes: []int{8, 16, 24},
		},
		image: &ImageBounds{MinPixels: 65536, MaxPixels: 16777216},
	}
}

// textOnly turns a Qwen3-VL preset into the Qwen3 text model with the same
// decoder: no vision tower, plain RoPE with theta 1e6, tied embeddings. The
// tiny one is the golden qwen3_text shape. The 2B one is the Qwen3-VL-2B
// text tower as a Qwen3 model (Qwen3-1.7B's shape), with the
// max_position_embeddings 40960 that the published Qwen3 text configs of
// that release carry (seen for Qwen3-0.6B and Qwen3-4B; 1.7B's own file
// was not found).
func textOnly(p preset, name string) preset {
	t := p.text
	t.MRopeSection = nil
	t.RopeTheta = 1e6
	t.TieWordEmbeddings = true
	switch name {
	case Preset2B:
		t.MaxPositionEmbeddings = 40960
	case Preset8B:
		t.MaxPositionEmbeddings = 40960 // Qwen3-8B's config.json
		t.TieWordEmbeddings = false     // Qwen3-8B unties it
	}
	return preset{text: t}
}
