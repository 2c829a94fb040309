package checkpoint

import (
	"reflect"
	"slices"
	"testing"
)

// publishedQwen2VL is the flat layout of the published Qwen2-VL-7B-Instruct
// config.json (text fields at the top level, rope_scaling type "mrope",
// torch_dtype, vision_config with embed_dim/mlp_ratio and in_chans).
const publishedQwen2VL = `{
  "architectures": ["Qwen2VLForConditionalGeneration"],
  "attention_dropout": 0.0,
  "bos_token_id": 151643,
  "eos_token_id": 151645,
  "vision_start_token_id": 151652,
  "vision_end_token_id": 151653,
  "vision_token_id": 151654,
  "image_token_id": 151655,
  "video_token_id": 151656,
  "hidden_act": "silu",
  "hidden_size": 3584,
  "initializer_range": 0.02,
  "intermediate_size": 18944,
  "max_position_embeddings": 32768,
  "max_window_layers": 28,
  "model_type": "qwen2_vl",
  "num_attention_heads": 28,
  "num_hidden_layers": 28,
  "num_key_value_heads": 4,
  "rms_norm_eps": 1e-06,
  "rope_theta": 1000000.0,
  "sliding_window": 32768,
  "tie_word_embeddings": false,
  "torch_dtype": "bfloat16",
  "transformers_version": "4.41.2",
  "use_cache": true,
  "use_sliding_window": false,
  "vision_config": {
    "depth": 32,
    "embed_dim": 1280,
    "mlp_ratio": 4,
    "num_heads": 16,
    "in_chans": 3,
    "hidden_size": 3584,
    "patch_size": 14,
    "spatial_merge_size": 2,
    "spatial_patch_size": 14,
    "temporal_patch_size": 2
  },
  "rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 24]},
  "vocab_size": 152064
}`

func TestLoadFlatQwen2VL(t *testing.T) {
	c, err := Load(writeCheckpoint(t, publishedQwen2VL, ""))
	if err != nil {
		t.Fatal(err)
	}
	wantText := TextConfig{
		VocabSize: 152064, HiddenSize: 3584, IntermediateSize: 18944, NumLayers: 28, NumHeads: 28, NumKVHeads: 4,
		HeadDim: 128, RMSNormEps: 1e-6, HiddenAct: "silu", RopeTheta: 1e6, RopeType: "default",
		MRopeSection: []int{16, 24, 24}, AttentionBias: true, MaxPositionEmbeddings: 32768,
		LayerTypes: slices.Repeat([]string{"full_attention"}, 28),
	}
	if !reflect.DeepEqual(c.Text, wantText) {
		t.Errorf("Text =\n%+v\nwant\n%+v", c.Text, wantText)
	}
	wantVision := &VisionConfig{Depth: 32, HiddenSize: 1280, IntermediateSize: 5120, NumHeads: 16, PatchSize: 14,
		TemporalPatchSize: 2, SpatialMergeSize: 2, InChannels: 3, OutHiddenSize: 3584, HiddenAct: "quick_gelu",
		EmbedDim: 1280, MLPRatio: 4}
	if !reflect.DeepEqual(c.Vision, wantVision) {
		t.Errorf("Vision =\n%+v\nwant\n%+v", c.Vision, wantVision)
	}
	if c.DType != "bfloat16" || c.ImageTokenID != 151655 || c.VideoTokenID != 151656 || c.VisionStartTokenID != 151652 ||
		c.VisionEndTokenID != 151653 || c.BOSTokenID != 151643 || !slices.Equal(c.EOSTokenIDs, []int{151645}) {
		t.Errorf("dtype %q ids %d %d %d %d bos %d eos %v", c.DType, c.ImageTokenID, c.VideoTokenID,
			c.VisionStartTokenID, c.VisionEndTokenID, c.BOSTokenID, c.EOSTokenIDs)
	}
	if c.Generation.Present || !reflect.DeepEqual(c.Generation, defaultGeneration()) {
		t.Errorf("without generation_config.json, Generation = %+v, want the defaults", c.Generation)
	}
	if got := c.StopTokenIDs(); !slices.Equal(got, []int{151645}) {
		t.Errorf("StopTokenIDs() = %v, want config's eos only", got)
	}
}

func TestLoadLayouts(t *testing.T) {
	tests := map[string]struct {
		config string
		check  func(t *testing.T, c *Config)
	}{
		"flat qwen2_5_vl": {
			config: `{"model_type": "qwen2_5_vl", "hidden_size": 2048, "num_attention_heads": 16, "num_key_value_heads": 2,
				"num_hidden_layers": 36, "intermediate_size": 11008, "vocab_size": 151936, "rope_theta": 1000000.0,
				"rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 24]}, "image_token_id": 151655,
				"vision_start_token_id": 151652, "eos_token_id": 151645, "tie_word_embeddings": true,
				"vision_config": {"depth": 32, "hidden_size": 1280, "intermediate_size": 3420, "num_heads": 16,
				"out_hidden_size": 2048, "window_size": 112, "fullatt_block_indexes": [7, 15, 23, 31], "tokens_per_second": 2}}`,
			check: func(t *testing.T, c *Config) {
				if c.Text.HiddenSize != 2048 || c.Text.HeadDim != 128 || c.Text.NumLayers != 36 || !c.TieWordEmbeddings ||
					c.Vision.OutHiddenSize != 2048 || c.Vision.TokensPerSecond != 2 || c.Text.RMSNormEps != 1e-5 {
					t.Errorf("got %+v, vision %+v", c.Text, c.Vision)
				}
			},
		},
		"rope_parameters (transformers 5)": {
			config: `{"model_type": "qwen3_vl", "image_token_id": 10, "vision_start_token_id": 11,
				"text_config": {"vocab_size": 64, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
				"num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "dtype": "bfloat16",
				"rope_parameters": {"rope_type": "default", "rope_theta": 5000000.0, "mrope_section": [4, 2, 2], "mrope_interleaved": true}},
				"vision_config": {"depth": 2, "hidden_size": 32, "intermediate_size": 64, "num_heads": 2, "out_hidden_size": 64,
				"num_position_embeddings": 144, "deepstack_visual_indexes": [1]}}`,
			check: func(t *testing.T, c *Config) {
				if c.Text.RopeTheta != 5e6 || !slices.Equal(c.Text.MRopeSection, []int{4, 2, 2}) || !c.Text.MRopeInterleaved || c.DType != "bfloat16" {
					t.Errorf("theta %v section %v interleaved %v dtype %q", c.Text.RopeTheta, c.Text.MRopeSection, c.Text.MRopeInterleaved, c.DType)
				}
				if c.BOSTokenID != -1 || c.EOSTokenIDs != nil || c.VideoTokenID != -1 {
					t.Errorf("absent ids: bos %d eos %v video %d, want -1 nil -1", c.BOSTokenID, c.EOSTokenIDs, c.VideoTokenID)
				}
			},
		},
		"qwen3_vl ignores mrope_interleaved false": {
			config: `{"model_type": "qwen3_vl", "image_token_id": 10, "vision_start_token_id": 11,
				"text_config": {"vocab_size": 64, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
				"num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
				"rope_scaling": {"mrope_section": [4, 2, 2], "mrope_interleaved": false}},
				"vision_config": {"depth": 2, "hidden_size": 32, "intermediate_size": 64, "num_heads": 2, "out_hidden_size": 64,
				"num_position_embeddings": 144, "deepstack_visual_indexes": []}}`,
			check: func(t *testing.T, c *Config) {
				if !c.Text.MRopeInterleaved || len(c.Vision.DeepstackVisualIndexes) != 0 {
					t.Errorf("interleaved %v deepstack %v", c.Text.MRopeInterleaved, c.Vision.DeepstackVisualIndexes)
				}
			},
		},
		"qwen2 text with sliding window and null kv heads": {
			config: `{"model_type": "qwen2", "vocab_size": 1000, "hidden_size": 96, "intermediate_size": 200,
				"num_hidden_layers": 4, "num_attention_heads": 6, "num_key_value_heads": null,
				"use_sliding_window": true, "sliding_window": 512, "max_window_layers": 2,
				"eos_token_id": [7, 8], "bos_token_id": null, "rope_scaling": {"type": "yarn", "factor": 4.0}}`,
			check: func(t *testing.T, c *Config) {
				want := []string{"full_attention", "full_attention", "sliding_attention", "sliding_attention"}
				if c.Text.NumKVHeads != 6 || c.Text.HeadDim != 16 || c.Text.SlidingWindow != 512 || !slices.Equal(c.Text.LayerTypes, want) {
					t.Errorf("kv %d head_dim %d window %d layers %v", c.Text.NumKVHeads, c.Text.HeadDim, c.Text.SlidingWindow, c.Text.LayerTypes)
				}
				if c.Text.RopeType != "yarn" || c.Text.RopeTheta != 10000 || c.Text.MRopeSection != nil || c.Vision != nil {
					t.Errorf("rope %q theta %v section %v vision %v", c.Text.RopeType, c.Text.RopeTheta, c.Text.MRopeSection, c.Vision)
				}
				if !c.Text.AttentionBias || c.Text.OProjBias || c.Text.QKNorm || c.BOSTokenID != -1 || !slices.Equal(c.EOSTokenIDs, []int{7, 8}) {
					t.Errorf("bias %v oproj %v qknorm %v bos %d eos %v", c.Text.AttentionBias, c.Text.OProjBias, c.Text.QKNorm, c.BOSTokenID, c.EOSTokenIDs)
				}
			},
		},
		"qwen3 with attention_bias": {
			config: `{"model_type": "qwen3", "vocab_size": 100, "hidden_size": 64, "intermediate_size": 128,
				"num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 4, "head_dim": 32, "attention_bias": true}`,
			check: func(t *testing.T, c *Config) {
				if !c.Text.AttentionBias || !c.Text.OProjBias || !c.Text.QKNorm || c.Text.HeadDim != 32 {
					t.Errorf("%+v", c.Text)
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := Load(writeCheckpoint(t, tc.config, ""))
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

// TestLoadDefaults checks the class defaults for a config.json that gives
// (almost) nothing.
func TestLoadDefaults(t *testing.T) {
	vlIDs := `"image_token_id": 151655, "vision_start_token_id": 151652`
	tests := map[string]struct {
		config  string
		text    TextConfig
		vision  *VisionConfig
		derived bool
	}{
		"qwen3": {`{"model_type": "qwen3"}`, TextConfig{VocabSize: 151936, HiddenSize: 4096, IntermediateSize: 22016,
			NumLayers: 32, NumHeads: 32, NumKVHeads: 32, HeadDim: 128, RMSNormEps: 1e-6, HiddenAct: "silu", RopeTheta: 10000,
			RopeType: "default", QKNorm: true, MaxPositionEmbeddings: 32768, LayerTypes: slices.Repeat([]string{"full_attention"}, 32)}, nil, false},
		"qwen2": {`{"model_type": "qwen2"}`, TextConfig{VocabSize: 151936, HiddenSize: 4096, IntermediateSize: 22016,
			NumLayers: 32, NumHeads: 32, NumKVHeads: 32, HeadDim: 128, RMSNormEps: 1e-6, HiddenAct: "silu", RopeTheta: 10000,
			RopeType: "default", AttentionBias: true, MaxPositionEmbeddings: 32768, LayerTypes: slices.Repeat([]string{"full_attention"}, 32)}, nil, true},
		"qwen3_vl": {`{"model_type": "qwen3_vl", ` + vlIDs + `, "text_config": {"hidden_size": 3584}}`, TextConfig{VocabSize: 151936,
			HiddenSize: 3584, IntermediateSize: 22016, NumLayers: 32, NumHeads: 32, NumKVHeads: 32, HeadDim: 128, RMSNormEps: 1e-6,
			HiddenAct: "silu", RopeTheta: 5e6, RopeType: "default", MRopeSection: []int{24, 20, 20}, MRopeInterleaved: true,
			QKNorm: true, MaxPositionEmbeddings: 128000, LayerTypes: slices.Repeat([]string{"full_attention"}, 32)},
			&VisionConfig{Depth: 27, HiddenSize: 1152, IntermediateSize: 4304, NumHeads: 16, PatchSize: 16, TemporalPatchSize: 2,
				SpatialMergeSize: 2, InChannels: 3, OutHiddenSize: 3584, HiddenAct: "gelu_pytorch_tanh",
				NumPositionEmbeddings: 2304, DeepstackVisualIndexes: []int{8, 16, 24}}, false},
		"qwen2_5_vl": {`{"model_type": "qwen2_5_vl", ` + vlIDs + `, "text_config": {"hidden_size": 3584, "num_attention_heads": 56,
			"rope_scaling": {"mrope_section": [8, 12, 12]}}}`, TextConfig{VocabSize: 152064, HiddenSize: 3584, IntermediateSize: 29568,
			NumLayers: 80, NumHeads: 56, NumKVHeads: 8, HeadDim: 64, RMSNormEps: 1e-5, HiddenAct: "silu", RopeTheta: 1e6,
			RopeType: "default", MRopeSection: []int{8, 12, 12}, AttentionBias: true, MaxPositionEmbeddings: 32768,
			LayerTypes: slices.Repeat([]string{"full_attention"}, 80)},
			&VisionConfig{Depth: 32, HiddenSize: 3584, IntermediateSize: 3420, NumHeads: 16, PatchSize: 14, TemporalPatchSize: 2,
				SpatialMergeSize: 2, InChannels: 3, OutHiddenSize: 3584, HiddenAct: "silu", WindowSize: 112,
				FullAttBlockIndexes: []int{7, 15, 23, 31}, TokensPerSecond: 4}, true},
		"qwen2_vl": {`{"model_type": "qwen2_vl", ` + vlIDs + `, "text_config": {"hidden_size": 3584, "num_attention_heads": 56,
			"rope_scaling": {"mrope_section": [8, 12, 12]}}}`, TextConfig{VocabSize: 152064, HiddenSize: 3584, IntermediateSize: 29568,
			NumLayers: 80, NumHeads: 56, NumKVHeads: 8, HeadDim: 64, RMSNormEps: 1e-5, HiddenAct: "silu", RopeTheta: 1e6,
			RopeType: "default", MRopeSection: []int{8, 12, 12}, AttentionBias: true, MaxPositionEmbeddings: 32768,
			LayerTypes: slices.Repeat([]string{"full_attention"}, 80)},
			&VisionConfig{Depth: 32, HiddenSize: 1280, IntermediateSize: 5120, NumHeads: 16, PatchSize: 14, TemporalPatchSize: 2,
				SpatialMergeSize: 2, InChannels: 3, OutHiddenSize: 3584, HiddenAct: "quick_gelu", EmbedDim: 1280, MLPRatio: 4}, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := Load(writeCheckpoint(t, tc.config, ""))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Text, tc.text) {
				t.Errorf("Text =\n%+v\nwant\n%+v", c.Text, tc.text)
			}
			if !reflect.DeepEqual(c.Vision, tc.vision) {
				t.Errorf("Vision =\n%+v\nwant\n%+v", c.Vision, tc.vision)
			}
			if c.headDimDerived != tc.derived {
				t.Errorf("head_dim derived = %v, want %v", c.headDimDerived, tc.derived)
			}
			if c.TieWordEmbeddings || c.DType != "" || c.VideoTokenID != -1 || c.VisionEndTokenID != -1 {
				t.Errorf("tie %v dtype %q video %d end %d; want false, empty, -1, -1", c.TieWordEmbeddings, c.DType, c.VideoTokenID, c.VisionEndTokenID)
			}
		})
	}
}

func TestStopTokenIDs(t *testing.T) {
	tests := []struct {
		generation, config, want []int
	}{
		{nil, nil, nil},
		{[]int{506, 504}, []int{506}, []int{506, 504}},
		{[]int{2}, []int{1, 2, 3}, []int{2, 1, 3}},
		{nil, []int{9}, []int{9}},
		{[]int{4, 4}, nil, []int{4}},
	}
	for _, tc := range tests {
		c := &Config{EOSTokenIDs: tc.config, Generation: GenerationConfig{EOSTokenIDs: tc.generation}}
		if got := c.StopTokenIDs(); !slices.Equal(got, tc.want) {
			t.Errorf("StopTokenIDs(generation %v, config %v) = %v, want %v", tc.generation, tc.config, got, tc.want)
		}
	}
}
