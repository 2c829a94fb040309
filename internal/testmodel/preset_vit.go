package testmodel

// The LLaVA-1.5 and Gemma 3 presets. Their tokenizer is the golden tiny
// checkpoints' (566 SentencePiece pieces, embedded), whatever the
// vocabulary size: embedding rows past it exist, as the published models'
// padded rows do, and are never looked up.

// vitVocabSize is the golden tiny LLaVA and Gemma 3 checkpoints' padded
// vocabulary (the tokenizers have 566 entries).
const vitVocabSize = 576

// llavaPreset is a LLaVA-1.5 shape: tiny (the golden llava_basic
// checkpoint's) or 7b.
//
// llava-hf/llava-1.5-7b-hf: its config.json is quoted whole in several
// public repositories (a transformers training log printing "Model config
// LlavaConfig" for llava-hf/llava-1.5-7b-hf, a lite_llama config test, a
// VILA error report): text_config names only lmsys/vicuna-7b-v1.5,
// max_position_embeddings 4096, rms_norm_eps 1e-05 and vocab_size 32064,
// so LlamaConfig's defaults give the rest (hidden 4096, intermediate
// 11008, 32 layers, 32 heads, 32 KV heads, rope_theta 10000, SiLU, no
// biases), which the original LLaVA-v1.5-7B config (a builder dump:
// hidden 4096, intermediate 11008, 32 heads, 32 layers, 32 KV heads,
// mm_hidden_size 1024, mlp2x_gelu projector, select layer −2) confirms;
// vision_config: CLIP ViT-L/14-336 (hidden 1024, image 336, intermediate
// 4096, 16 heads, 24 layers, patch 14, projection_dim 768; CLIP's
// quick_gelu and layer_norm_eps 1e-5); vision_feature_layer −2,
// vision_feature_select_strategy "default", projector_hidden_act "gelu",
// tie_word_embeddings false. 576 image tokens (24×24 patches).
func llavaPreset(name string) preset {
	if name == Preset7B {
		return preset{
			text: TextShape{
				VocabSize: 32064, HiddenSize: 4096, IntermediateSize: 11008,
				NumLayers: 32, NumHeads: 32, NumKVHeads: 32, HeadDim: 128,
				RMSNormEps: 1e-5, RopeTheta: 1e4, MaxPositionEmbeddings: 4096,
			},
			vision: &VisionShape{
				Depth: 24, HiddenSize: 1024, IntermediateSize: 4096, NumHeads: 16,
				PatchSize: 14, ImageSize: 336, InChannels: 3, OutHiddenSize: 4096,
				LayerNormEps: 1e-5, ProjectionDim: 768, TokensPerImage: 576,
			},
		}
	}
	return preset{
		text: TextShape{
			VocabSize: vitVocabSize, HiddenSize: 64, IntermediateSize: 128,
			NumLayers: 4, NumHeads: 4, NumKVHeads: 2, HeadDim: 16,
			RMSNormEps: 1e-5, RopeTheta: 1e4, MaxPositionEmbeddings: 4096,
		},
		vision: &VisionShape{
			Depth: 3, HiddenSize: 32, IntermediateSize: 64, NumHeads: 2,
			PatchSize: 14, ImageSize: 56, InChannels: 3, OutHiddenSize: 64,
			LayerNormEps: 1e-5, ProjectionDim: 32, TokensPerImage: 16,
		},
	}
}

// gemma3Preset is a Gemma 3 shape: tiny (the golden gemma3_basic
// checkpoint's: layer types sliding, sliding, full, sliding with a window
// of 8) or 4b.
//
// google/gemma-3-4b-it: its config.json is quoted in public repositories
// (a port's test of "the original gemma-3-4b-it's config.json", a pinned
// architecture table for google/gemma-3-4b-it with its advertised 4.30e9
// parameters, and the 27B config beside it for the shared fields):
// text_config hidden 2560, intermediate 10240, 34 layers, sliding_window
// 1024, rope_scaling linear factor 8, and Gemma3TextConfig's defaults for
// the rest — 8 heads, 4 KV heads, head_dim 256, query_pre_attn_scalar 256,
// vocab 262208, rope_theta 1e6, rope_local_base_freq 1e4, rms_norm_eps
// 1e-6, sliding_window_pattern 6 (every sixth layer full),
// max_position_embeddings 131072; vision_config SigLIP hidden 1152,
// intermediate 4304, 16 heads, 27 layers, patch 14, image 896,
// vision_use_head false; mm_tokens_per_image 256.
func gemma3Preset(name string) preset {
	if name == Preset4B {
		return preset{
			text: TextShape{
				VocabSize: 262208, HiddenSize: 2560, IntermediateSize: 10240,
				NumLayers: 34, NumHeads: 8, NumKVHeads: 4, HeadDim: 256,
				RMSNormEps: 1e-6, RopeTheta: 1e6, MaxPositionEmbeddings: 131072, TieWordEmbeddings: true,
				SlidingCycle: []bool{true, true, true, true, true, false}, SlidingWindow: 1024,
				RopeLocalTheta: 1e4, RopeLinearFactor: 8, QueryPreAttnScalar: 256,
			},
			vision: &VisionShape{
				Depth: 27, HiddenSize: 1152, IntermediateSize: 4304, NumHeads: 16,
				PatchSize: 14, ImageSize: 896, InChannels: 3, OutHiddenSize: 2560,
				LayerNormEps: 1e-6, TokensPerImage: 256,
			},
		}
	}
	return preset{
		text: TextShape{
			VocabSize: vitVocabSize, HiddenSize: 64, IntermediateSize: 128,
			NumLayers: 4, NumHeads: 4, NumKVHeads: 2, HeadDim: 16,
			RMSNormEps: 1e-6, RopeTheta: 1e6, MaxPositionEmbeddings: 4096, TieWordEmbeddings: true,
			SlidingCycle: []bool{true, true, false, true}, SlidingWindow: 8,
			RopeLocalTheta: 1e4, RopeLinearFactor: 8, QueryPreAttnScalar: 24,
		},
		vision: &VisionShape{
			Depth: 2, HiddenSize: 32, IntermediateSize: 64, NumHeads: 2,
			PatchSize: 8, ImageSize: 64, InChannels: 3, OutHiddenSize: 64,
			LayerNormEps: 1e-6, TokensPerImage: 16,
		},
	}
}
