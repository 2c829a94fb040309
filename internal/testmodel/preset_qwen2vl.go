package testmodel

// The Qwen2-VL and Qwen2.5-VL presets. Both families' real image bounds
// are the published preprocessor_config.json's min_pixels 3136 and
// max_pixels 12845056 (golden README, imageproc); the tiny presets keep
// min_pixels and cap max_pixels at 512·512 as the Qwen3-VL tiny preset
// does, so the demo stays fast. As for Qwen3-VL-2B, the tokenizer is the
// generated 512-token one whatever the vocabulary size.

// qwen2Bounds are the real Qwen2-VL / Qwen2.5-VL image bounds.
func qwen2Bounds() *ImageBounds { return &ImageBounds{MinPixels: 3136, MaxPixels: 12845056} }

// qwen2TinyText is the golden Qwen2 tiny decoder (golden README, "Model
// shapes"): mRoPE [2, 3, 3] with theta 1e6, lm_head untied.
func qwen2TinyText() TextShape {
	return TextShape{
		VocabSize: tokenizerVocabSize, HiddenSize: 64, IntermediateSize: 128,
		NumLayers: 4, NumHeads: 4, NumKVHeads: 2, HeadDim: 16,
		RMSNormEps: 1e-6, RopeTheta: 1e6, MRopeSection: []int{2, 3, 3},
		MaxPositionEmbeddings: 4096,
	}
}

// qwen2VLPreset is a Qwen2-VL shape: tiny (the golden qwen2_vl_basic
// checkpoint's), 2b or 7b.
//
// Qwen/Qwen2-VL-2B-Instruct: no copy of its own config.json was found with
// the search tools; these public sources agree on every number:
//   - mllm's Qwen2VLConfig defaults (UbiquitousLearning/mllm,
//     mllm/models/qwen2vl/configuration_qwen2vl.hpp): hidden 1536,
//     intermediate 8960, 12 heads, 2 KV heads, 28 layers, vocab 151936,
//     mrope_section [16, 24, 24], rope_theta 1e6, tied embeddings, rms
//     eps 1e-6; vision embed_dim 1280, depth 32, 16 heads, mlp_ratio 4,
//     patch 14;
//   - the Qwen2-1.5B decoder it is built on (published Qwen2-1.5B
//     configs quoted in several repositories: 1536, 8960, 28 layers, 12
//     heads, 2 KV heads, tied);
//   - xinference's model list (xorbitsai/inference, its qwen2-vl-instruct
//     page): context length 32768.
//
// The merger's output (vision hidden_size) is the decoder's width.
//
// Qwen/Qwen2-VL-7B-Instruct: a copy of its config.json (flat layout) in a
// MindSpore port's self-test, and the module dumps in acproject/duorou
// docs/new_feat.md and zhenhua32/Qwen2-VL READ.md: hidden 3584,
// intermediate 18944, 28 layers, 28 heads, 4 KV heads (k_proj 3584→512),
// vocab 152064, untied, rope_theta 1e6, mrope_section [16, 24, 24],
// max_position_embeddings 32768; vision embed_dim 1280, depth 32, 16 heads,
// mlp_ratio 4 (fc1 1280→5120), hidden_size 3584.
func qwen2VLPreset(name string) preset {
	switch name {
	case Preset2B:
		return preset{
			text: TextShape{
				VocabSize: 151936, HiddenSize: 1536, IntermediateSize: 8960,
				NumLayers: 28, NumHeads: 12, NumKVHeads: 2, HeadDim: 128,
				RMSNormEps: 1e-6, RopeTheta: 1e6, MRopeSection: []int{16, 24, 24},
				MaxPositionEmbeddings: 32768, TieWordEmbeddings: true,
			},
			vision: qwen2VLVision(1536),
			image:  qwen2Bounds(),
		}
	case Preset7B:
		return preset{
			text: TextShape{
				VocabSize: 152064, HiddenSize: 3584, IntermediateSize: 18944,
				NumLayers: 28, NumHeads: 28, NumKVHeads: 4, HeadDim: 128,
				RMSNormEps: 1e-6, RopeTheta: 1e6, MRopeSection: []int{16, 24, 24},
				MaxPositionEmbeddings: 32768,
			},
			vision: qwen2VLVision(3584),
			image:  qwen2Bounds(),
		}
	}
	return preset{
		text: qwen2TinyText(),
		vision: &VisionShape{
			Depth: 2, HiddenSize: 32, IntermediateSize: 64, NumHeads: 2,
			PatchSize: 14, TemporalPatchSize: 2, SpatialMergeSize: 2,
			InChannels: 3, OutHiddenSize: 64,
		},
		image: &ImageBounds{MinPixels: 3136, MaxPixels: 512 * 512},
	}
}

// qwen2VLVision is the published Qwen2-VL vision tower (the same in 2B and
// 7B) with the merger's output width out.
func qwen2VLVision(out int) *VisionShape {
	return &VisionShape{
		Depth: 32, HiddenSize: 1280, IntermediateSize: 4 * 1280, NumHeads: 16,
		PatchSize: 14, TemporalPatchSize: 2, SpatialMergeSize: 2,
		InChannels: 3, OutHiddenSize: out,
	}
}

// qwen25VLPreset is a Qwen2.5-VL shape: tiny (the golden qwen2_5_vl_basic
// checkpoint's: 56-pixel windows, block 1 of 2 with full attention), 3b or
// 7b.
//
// Qwen/Qwen2.5-VL-3B-Instruct: a published copy of its config.json (a
// model-card dump titled with the model's name), a Java test's "real
// Qwen2.5-VL-3B config.json … trimmed to key fields", and a nested
// transformers-4.52 save of the same model agree: hidden 2048, intermediate
// 11008, 36 layers, 16 heads, 2 KV heads, vocab 151936, tied, rope_theta
// 1e6, mrope_section [16, 24, 24], max_position_embeddings 128000; vision
// depth 32, hidden 1280, intermediate 3420, 16 heads, out_hidden_size 2048,
// window_size 112, fullatt_block_indexes [7, 15, 23, 31],
// tokens_per_second 2. xinference's model list (xorbitsai/inference,
// doc/source/models/builtin/llm/qwen2.5-vl-instruct.rst) gives the context
// length 128000 too.
//
// Qwen/Qwen2.5-VL-7B-Instruct: TensorRT-LLM's test configuration
// QWEN2_5_VL_7B_CONFIG and the module dump in acproject/duorou
// docs/qwen2.5vl_graph.md: hidden 3584, intermediate 18944, 28 layers, 28
// heads, 4 KV heads (k_proj 3584→512), vocab 152064, untied, rope_theta
// 1e6, mrope_section [16, 24, 24]; the same vision tower with
// out_hidden_size 3584, window_size 112, tokens_per_second 2; a Rust
// fixture of that config has max_position_embeddings 128000.
func qwen25VLPreset(name string) preset {
	switch name {
	case Preset3B:
		return preset{
			text: TextShape{
				VocabSize: 151936, HiddenSize: 2048, IntermediateSize: 11008,
				NumLayers: 36, NumHeads: 16, NumKVHeads: 2, HeadDim: 128,
				RMSNormEps: 1e-6, RopeTheta: 1e6, MRopeSection: []int{16, 24, 24},
				MaxPositionEmbeddings: 128000, TieWordEmbeddings: true,
			},
			vision: qwen25VLVision(2048),
			image:  qwen2Bounds(),
		}
	case Preset7B:
		return preset{
			text: TextShape{
				VocabSize: 152064, HiddenSize: 3584, IntermediateSize: 18944,
				NumLayers: 28, NumHeads: 28, NumKVHeads: 4, HeadDim: 128,
				RMSNormEps: 1e-6, RopeTheta: 1e6, MRopeSection: []int{16, 24, 24},
				MaxPositionEmbeddings: 128000,
			},
			vision: qwen25VLVision(3584),
			image:  qwen2Bounds(),
		}
	}
	return preset{
		text: qwen2TinyText(),
		vision: &VisionShape{
			Depth: 2, HiddenSize: 32, IntermediateSize: 64, NumHeads: 2,
			PatchSize: 14, TemporalPatchSize: 2, SpatialMergeSize: 2,
			InChannels: 3, OutHiddenSize: 64,
			WindowSize: 56, FullAttBlockIndexes: []int{1}, TokensPerSecond: 2,
		},
		image: &ImageBounds{MinPixels: 3136, MaxPixels: 512 * 512},
	}
}

// qwen25VLVision is the published Qwen2.5-VL vision tower (the same in 3B
// and 7B) with the merger's output width out.
func qwen25VLVision(out int) *VisionShape {
	return &VisionShape{
		Depth: 32, HiddenSize: 1280, IntermediateSize: 3420, NumHeads: 16,
		PatchSize: 14, TemporalPatchSize: 2, SpatialMergeSize: 2,
		InChannels: 3, OutHiddenSize: out,
		WindowSize: 112, FullAttBlockIndexes: []int{7, 15, 23, 31}, TokensPerSecond: 2,
	}
}
