package checkpoint

import (
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/internal/golden"
)

// TestLoadLlavaGemma3Golden loads the LLaVA and Gemma 3 golden
// checkpoints and checks the values their config.json and
// generation_config.json hold (see that README's "Model shapes").
func TestLoadLlavaGemma3Golden(t *testing.T) {
	root := golden.Dir(t)
	tests := []struct {
		name      string
		family    Family
		text      TextConfig
		vision    *VisionConfig
		projector *ProjectorConfig
		tie       bool
		ids       []int // image, vision start (boi), vision end (eoi)
		eos       []int
		gen       GenerationConfig
	}{
		{
			name: "llava_basic", family: Llava,
			text: TextConfig{VocabSize: 576, HiddenSize: 64, IntermediateSize: 128, NumLayers: 4, NumHeads: 4, NumKVHeads: 2,
				HeadDim: 16, RMSNormEps: 1e-5, HiddenAct: "silu", RopeTheta: 1e4, RopeType: "default", MaxPositionEmbeddings: 4096,
				LayerTypes: []string{"full_attention", "full_attention", "full_attention", "full_attention"}},
			vision: &VisionConfig{ModelType: "clip_vision_model", Depth: 3, HiddenSize: 32, IntermediateSize: 64, NumHeads: 2,
				PatchSize: 14, ImageSize: 56, TemporalPatchSize: 1, SpatialMergeSize: 1, InChannels: 3, OutHiddenSize: 64,
				HiddenAct: "quick_gelu", LayerNormEps: 1e-5},
			projector: &ProjectorConfig{HiddenAct: "gelu", Bias: true, FeatureLayers: []int{-2}, FeatureSelectStrategy: "default", TokensPerImage: 16},
			ids:       []int{564, -1, -1},
			gen: GenerationConfig{Present: true, EOSTokenIDs: []int{2}, PadTokenID: 565, BOSTokenID: 1,
				Temperature: 1, TopK: 50, TopP: 1, RepetitionPenalty: 1},
		},
		{
			name: "gemma3_basic", family: Gemma3,
			text: TextConfig{VocabSize: 576, HiddenSize: 64, IntermediateSize: 128, NumLayers: 4, NumHeads: 4, NumKVHeads: 2,
				HeadDim: 16, RMSNormEps: 1e-6, HiddenAct: "gelu_pytorch_tanh", RopeTheta: 1e6, RopeType: "linear",
				RopeScaling: RopeScaling{Factor: 8}, RopeLocalTheta: 1e4, QueryPreAttnScalar: 24, QKNorm: true,
				MaxPositionEmbeddings: 4096, SlidingWindow: 8,
				LayerTypes: []string{"sliding_attention", "sliding_attention", "full_attention", "sliding_attention"}},
			vision: &VisionConfig{ModelType: "siglip_vision_model", Depth: 2, HiddenSize: 32, IntermediateSize: 64, NumHeads: 2,
				PatchSize: 8, ImageSize: 64, TemporalPatchSize: 1, SpatialMergeSize: 1, InChannels: 3, OutHiddenSize: 64,
				HiddenAct: "gelu_pytorch_tanh", LayerNormEps: 1e-6},
			projector: &ProjectorConfig{TokensPerImage: 16},
			tie:       true,
			ids:       []int{565, 563, 564},
			eos:       []int{1, 7},
			gen: GenerationConfig{Present: true, EOSTokenIDs: []int{1, 7}, PadTokenID: 0, BOSTokenID: 2,
				Temperature: 1, TopK: 50, TopP: 1, RepetitionPenalty: 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(filepath.Join(root, tc.name, "checkpoint"))
			if err != nil {
				t.Fatal(err)
			}
			if c.Family != tc.family || c.DType != "float32" || c.TieWordEmbeddings != tc.tie {
				t.Errorf("Family %q DType %q Tie %v; want %q float32 %v", c.Family, c.DType, c.TieWordEmbeddings, tc.family, tc.tie)
			}
			if !reflect.DeepEqual(c.Text, tc.text) {
				t.Errorf("Text =\n%+v\nwant\n%+v", c.Text, tc.text)
			}
			if !reflect.DeepEqual(c.Vision, tc.vision) {
				t.Errorf("Vision =\n%+v\nwant\n%+v", c.Vision, tc.vision)
			}
			if !reflect.DeepEqual(c.Projector, tc.projector) {
				t.Errorf("Projector = %+v, want %+v", c.Projector, tc.projector)
			}
			if got := []int{c.ImageTokenID, c.VisionStartTokenID, c.VisionEndTokenID}; !slices.Equal(got, tc.ids) || c.VideoTokenID != -1 {
				t.Errorf("image/boi/eoi ids %v, video %d; want %v, -1", got, c.VideoTokenID, tc.ids)
			}
			if !slices.Equal(c.EOSTokenIDs, tc.eos) || c.BOSTokenID != -1 {
				t.Errorf("config bos %d eos %v; want -1 %v", c.BOSTokenID, c.EOSTokenIDs, tc.eos)
			}
			if !reflect.DeepEqual(c.Generation, tc.gen) {
				t.Errorf("Generation = %+v, want %+v", c.Generation, tc.gen)
			}
		})
	}
}

// TestLoadLlavaGemma3Defaults checks the configuration classes' defaults
// where a config leaves keys out, and the layouts other transformers
// versions write.
func TestLoadLlavaGemma3Defaults(t *testing.T) {
	t.Run("llava without sub-configs", func(t *testing.T) {
		// LlavaConfig's and LlamaConfig's defaults disagree (image token
		// 32000 in a 32000-token vocabulary); real configs pad the vocabulary.
		c, err := Load(writeCheckpoint(t, `{"model_type": "llava", "text_config": {"vocab_size": 32064}}`, ""))
		if err != nil {
			t.Fatal(err)
		}
		v := c.Vision
		if v.Depth != 24 || v.HiddenSize != 1024 || v.PatchSize != 14 || v.ImageSize != 336 || v.OutHiddenSize != 4096 {
			t.Errorf("default tower %+v, want CLIP ViT-L/14-336 projecting to 4096", v)
		}
		if c.Text.VocabSize != 32064 || c.Text.HeadDim != 128 || c.Text.RMSNormEps != 1e-6 || c.ImageTokenID != 32000 {
			t.Errorf("default text %+v, image id %d", c.Text, c.ImageTokenID)
		}
		if !reflect.DeepEqual(c.Projector, &ProjectorConfig{HiddenAct: "gelu", Bias: true, FeatureLayers: []int{-2}, FeatureSelectStrategy: "default", TokensPerImage: 576}) {
			t.Errorf("default projector %+v", c.Projector)
		}
	})
	t.Run("llava with an empty vision_config and several feature layers", func(t *testing.T) {
		c, err := Load(writeCheckpoint(t, `{"model_type": "llava", "vision_config": {}, "vision_feature_layer": [-2, -5],
			"vision_feature_select_strategy": "full", "image_token_id": 7, "text_config": {"vocab_size": 32064, "mlp_bias": true, "attention_bias": true,
			"rope_scaling": {"rope_type": "llama3", "factor": 8, "low_freq_factor": 1, "high_freq_factor": 4, "original_max_position_embeddings": 8192}}}`, ""))
		if err != nil {
			t.Fatal(err)
		}
		if v := c.Vision; v.Depth != 12 || v.PatchSize != 32 || v.ImageSize != 224 {
			t.Errorf("CLIPVisionConfig defaults %+v", v)
		}
		if !slices.Equal(c.Projector.FeatureLayers, []int{-2, -5}) || c.Projector.FeatureSelectStrategy != "full" || c.ImageTokenID != 7 {
			t.Errorf("projector %+v, image id %d", c.Projector, c.ImageTokenID)
		}
		tx := c.Text
		if !tx.MLPBias || !tx.AttentionBias || !tx.OProjBias || tx.RopeType != "llama3" ||
			tx.RopeScaling != (RopeScaling{Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositionEmbeddings: 8192}) {
			t.Errorf("text %+v", tx)
		}
	})
	t.Run("gemma3 published layout", func(t *testing.T) {
		// As google/gemma-3-4b-it: no layer_types, sliding_window_pattern 6.
		c, err := Load(writeCheckpoint(t, `{"model_type": "gemma3", "text_config": {"model_type": "gemma3_text", "num_hidden_layers": 8,
			"sliding_window_pattern": 6, "sliding_window": 1024, "rope_scaling": {"factor": 8.0, "rope_type": "linear"}},
			"vision_config": {"image_size": 896, "patch_size": 14, "vision_use_head": false}}`, ""))
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention",
			"full_attention", "sliding_attention", "sliding_attention"}
		if !slices.Equal(c.Text.LayerTypes, want) || c.Text.SlidingWindow != 1024 {
			t.Errorf("layer types %v window %d, want %v 1024", c.Text.LayerTypes, c.Text.SlidingWindow, want)
		}
		if c.Text.HeadDim != 256 || c.Text.QueryPreAttnScalar != 256 || !c.TieWordEmbeddings || c.Text.RopeLocalTheta != 1e4 {
			t.Errorf("text defaults %+v tie %v", c.Text, c.TieWordEmbeddings)
		}
		if c.ImageTokenID != 262144 || c.VisionStartTokenID != 255999 || c.VisionEndTokenID != 256000 || c.Projector.TokensPerImage != 256 {
			t.Errorf("ids %d %d %d, tokens per image %d", c.ImageTokenID, c.VisionStartTokenID, c.VisionEndTokenID, c.Projector.TokensPerImage)
		}
	})
	t.Run("gemma3 rope_parameters per layer type", func(t *testing.T) {
		c, err := Load(writeCheckpoint(t, `{"model_type": "gemma3", "text_config": {"num_hidden_layers": 2, "layer_types": ["sliding_attention", "full_attention"],
			"use_bidirectional_attention": true, "sliding_window": 512, "final_logit_softcapping": 30.0,
			"rope_parameters": {"full_attention": {"rope_type": "linear", "factor": 8.0, "rope_theta": 1000000.0},
			"sliding_attention": {"rope_type": "default", "rope_theta": 20000.0}}},
			"vision_config": {"image_size": 64, "patch_size": 8}, "mm_tokens_per_image": 16}`, ""))
		if err != nil {
			t.Fatal(err)
		}
		tx := c.Text
		if tx.RopeType != "linear" || tx.RopeScaling.Factor != 8 || tx.RopeTheta != 1e6 || tx.RopeLocalTheta != 2e4 ||
			!tx.UseBidirectionalAttention || tx.SlidingWindow != 257 || tx.FinalLogitSoftcapping != 30 {
			t.Errorf("text %+v", tx)
		}
	})
}

// TestValidateLlavaGemma3 checks that inconsistent LLaVA and Gemma 3
// configs are refused with the field named.
func TestValidateLlavaGemma3(t *testing.T) {
	tests := map[string]struct {
		config, field, problem string
	}{
		"llava strategy": {`{"model_type": "llava", "text_config": {"vocab_size": 32064}, "vision_feature_select_strategy": "cls"}`, "vision_feature_select_strategy", `"cls"`},
		"llava feature layer": {`{"model_type": "llava", "text_config": {"vocab_size": 32064}, "vision_config": {"num_hidden_layers": 3}, "vision_feature_layer": -5}`,
			"vision_feature_layer", "-5 is not a hidden state of a 3-layer tower"},
		"llava patch":              {`{"model_type": "llava", "text_config": {"vocab_size": 32064}, "vision_config": {"image_size": 50, "patch_size": 14}}`, "vision_config.patch_size", "does not divide image_size 50"},
		"gemma3 tokens not square": {`{"model_type": "gemma3", "mm_tokens_per_image": 12}`, "mm_tokens_per_image", "not a positive square"},
		"gemma3 pooling": {`{"model_type": "gemma3", "mm_tokens_per_image": 9, "vision_config": {"image_size": 64, "patch_size": 8}}`,
			"mm_tokens_per_image", "do not pool the 8×8 patch grid"},
		"gemma3 scaling factor": {`{"model_type": "gemma3", "text_config": {"rope_scaling": {"rope_type": "linear"}}}`,
			"text_config.rope_scaling.factor", "needs one"},
		"gemma3 scalar": {`{"model_type": "gemma3", "text_config": {"query_pre_attn_scalar": 0}}`, "text_config.query_pre_attn_scalar", "not a positive"},
		"gemma3 sliding without window": {`{"model_type": "gemma3", "mm_tokens_per_image": 16, "vision_config": {"image_size": 64, "patch_size": 8},
			"text_config": {"sliding_window": 0, "num_hidden_layers": 1, "layer_types": ["sliding_attention"]}}`,
			"text_config.layer_types", "no window"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := writeCheckpoint(t, tc.config, "")
			_, err := Load(dir)
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("Load: %v, want ErrInvalidConfig", err)
			}
			for _, want := range []string{filepath.Join(dir, ConfigFileName) + ": " + tc.field + ": ", tc.problem} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
	for name, config := range map[string]string{
		"llava with a mistral decoder": `{"model_type": "llava", "text_config": {"model_type": "mistral"}}`,
		"gemma3 with a clip tower":     `{"model_type": "gemma3", "vision_config": {"model_type": "clip_vision_model"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Load(writeCheckpoint(t, config, "")); !errors.Is(err, ErrUnsupportedModel) || !strings.Contains(err.Error(), "model_type") {
				t.Errorf("Load: %v, want ErrUnsupportedModel naming the model_type", err)
			}
		})
	}
}

// TestLoadPublishedLlava loads a config.json shaped like
// llava-hf/llava-1.5-7b-hf's (CLIP ViT-L/14-336, Vicuna-7B, padded
// vocabulary).
func TestLoadPublishedLlava(t *testing.T) {
	c, err := Load(writeCheckpoint(t, `{"architectures": ["LlavaForConditionalGeneration"], "ignore_index": -100,
		"image_token_index": 32000, "model_type": "llava", "pad_token_id": 32001, "projector_hidden_act": "gelu",
		"text_config": {"_name_or_path": "lmsys/vicuna-7b-v1.5", "architectures": ["LlamaForCausalLM"], "max_position_embeddings": 4096,
			"model_type": "llama", "rms_norm_eps": 1e-05, "torch_dtype": "float16", "vocab_size": 32064},
		"tie_word_embeddings": false, "torch_dtype": "float16", "transformers_version": "4.36.0.dev0",
		"vision_config": {"hidden_size": 1024, "image_size": 336, "intermediate_size": 4096, "model_type": "clip_vision_model",
			"num_attention_heads": 16, "num_hidden_layers": 24, "patch_size": 14, "projection_dim": 768, "vocab_size": 32000},
		"vision_feature_layer": -2, "vision_feature_select_strategy": "default", "vocab_size": 32064}`, ""))
	if err != nil {
		t.Fatal(err)
	}
	tx, v := c.Text, c.Vision
	if tx.HiddenSize != 4096 || tx.NumLayers != 32 || tx.NumKVHeads != 32 || tx.HeadDim != 128 || tx.MaxPositionEmbeddings != 4096 ||
		tx.RMSNormEps != 1e-5 || c.DType != "float16" || c.TieWordEmbeddings {
		t.Errorf("text %+v dtype %q tie %v", tx, c.DType, c.TieWordEmbeddings)
	}
	if v.ImageSize/v.PatchSize != 24 || v.Depth != 24 || v.OutHiddenSize != 4096 || c.Projector.TokensPerImage != 576 {
		t.Errorf("vision %+v projector %+v", v, c.Projector)
	}
}
