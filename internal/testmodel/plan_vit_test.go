package testmodel_test

import (
	"slices"
	"testing"

	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// TestPlanViTFamilies checks the real LLaVA-1.5-7B and Gemma-3-4B presets
// as vlmask's loader reads them, without drawing their weights: the
// published shapes and the parameter counts of the published models
// (7,063,427,072 for llava-hf/llava-1.5-7b-hf, shown as 7.06B;
// 4,300,079,472 for google/gemma-3-4b-it, shown as 4.3B).
func TestPlanViTFamilies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		family, preset string
		parameters     int64
		check          func(t *testing.T, c *checkpoint.Config)
	}{
		{testmodel.FamilyLlava, testmodel.Preset7B, 7063427072, func(t *testing.T, c *checkpoint.Config) {
			tx, v := c.Text, c.Vision
			if tx.VocabSize != 32064 || tx.HiddenSize != 4096 || tx.IntermediateSize != 11008 || tx.NumLayers != 32 ||
				tx.NumHeads != 32 || tx.NumKVHeads != 32 || tx.HeadDim != 128 || tx.RMSNormEps != 1e-5 || tx.RopeTheta != 1e4 ||
				tx.MaxPositionEmbeddings != 4096 || c.TieWordEmbeddings || tx.AttentionBias || tx.MLPBias {
				t.Errorf("text %+v tied %v", tx, c.TieWordEmbeddings)
			}
			if v.ModelType != "clip_vision_model" || v.Depth != 24 || v.HiddenSize != 1024 || v.IntermediateSize != 4096 ||
				v.NumHeads != 16 || v.PatchSize != 14 || v.ImageSize != 336 || v.HiddenAct != "quick_gelu" || v.LayerNormEps != 1e-5 {
				t.Errorf("vision %+v", v)
			}
			if pr := c.Projector; !slices.Equal(pr.FeatureLayers, []int{-2}) || pr.FeatureSelectStrategy != "default" || pr.HiddenAct != "gelu" || !pr.Bias || pr.TokensPerImage != 576 {
				t.Errorf("projector %+v", pr)
			}
		}},
		{testmodel.FamilyGemma3, testmodel.Preset4B, 4300079472, func(t *testing.T, c *checkpoint.Config) {
			tx, v := c.Text, c.Vision
			if tx.VocabSize != 262208 || tx.HiddenSize != 2560 || tx.IntermediateSize != 10240 || tx.NumLayers != 34 ||
				tx.NumHeads != 8 || tx.NumKVHeads != 4 || tx.HeadDim != 256 || tx.QueryPreAttnScalar != 256 || tx.SlidingWindow != 1024 ||
				tx.RopeTheta != 1e6 || tx.RopeLocalTheta != 1e4 || tx.RopeType != "linear" || tx.RopeScaling.Factor != 8 ||
				tx.MaxPositionEmbeddings != 131072 || !c.TieWordEmbeddings {
				t.Errorf("text %+v tied %v", tx, c.TieWordEmbeddings)
			}
			for i, lt := range tx.LayerTypes {
				if full := (i+1)%6 == 0; full != (lt == "full_attention") {
					t.Errorf("layer %d is %s; want every sixth layer full", i, lt)
				}
			}
			if v.ModelType != "siglip_vision_model" || v.Depth != 27 || v.HiddenSize != 1152 || v.IntermediateSize != 4304 ||
				v.NumHeads != 16 || v.PatchSize != 14 || v.ImageSize != 896 || v.UseHead {
				t.Errorf("vision %+v", v)
			}
			if c.Projector.TokensPerImage != 256 {
				t.Errorf("projector %+v", c.Projector)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.family+"/"+c.preset, func(t *testing.T) {
			t.Parallel()
			plan, err := testmodel.NewPlan(testmodel.Options{Family: c.family, Preset: c.preset})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := plan.WriteConfigFiles(dir); err != nil {
				t.Fatal(err)
			}
			cfg, err := checkpoint.Load(dir)
			if err != nil {
				t.Fatalf("checkpoint.Load: %v", err)
			}
			c.check(t, cfg)
			if got := plan.NumParameters(); got != c.parameters {
				t.Errorf("%d parameters, want %d", got, c.parameters)
			}
		})
	}
}
