package testmodel_test

import (
	"slices"
	"testing"

	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// TestPlanQwen2Families checks the real Qwen2-VL and Qwen2.5-VL presets as
// vlmask's loader reads them, without drawing their weights: the published
// shapes, the tensor shapes that follow from them, and the parameter
// counts: 2.21B, 8.29B, 3.75B and 8.29B, as the published model pages
// round them (Qwen2-VL-2B-Instruct's 2.21B was checked on a public copy of
// its page).
func TestPlanQwen2Families(t *testing.T) {
	t.Parallel()
	type shape struct {
		vocab, hidden, inter, layers, heads, kvHeads int
		tied                                         bool
		maxPos                                       int
		visionOut                                    int
	}
	cases := []struct {
		family, preset string
		want           shape
		parameters     int64
	}{
		{testmodel.FamilyQwen2VL, testmodel.Preset2B, shape{151936, 1536, 8960, 28, 12, 2, true, 32768, 1536}, 2208985600},
		{testmodel.FamilyQwen2VL, testmodel.Preset7B, shape{152064, 3584, 18944, 28, 28, 4, false, 32768, 3584}, 8291375616},
		{testmodel.FamilyQwen25VL, testmodel.Preset3B, shape{151936, 2048, 11008, 36, 16, 2, true, 128000, 2048}, 3754622976},
		{testmodel.FamilyQwen25VL, testmodel.Preset7B, shape{152064, 3584, 18944, 28, 28, 4, false, 128000, 3584}, 8292166656},
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
			tx, w := cfg.Text, c.want
			if tx.VocabSize != w.vocab || tx.HiddenSize != w.hidden || tx.IntermediateSize != w.inter || tx.NumLayers != w.layers ||
				tx.NumHeads != w.heads || tx.NumKVHeads != w.kvHeads || tx.HeadDim != 128 || tx.RMSNormEps != 1e-6 ||
				cfg.TieWordEmbeddings != w.tied || tx.MaxPositionEmbeddings != w.maxPos || !tx.AttentionBias || tx.QKNorm {
				t.Errorf("text config %+v tied %v", tx, cfg.TieWordEmbeddings)
			}
			if tx.RopeTheta != 1e6 || !slices.Equal(tx.MRopeSection, []int{16, 24, 24}) || tx.MRopeInterleaved {
				t.Errorf("rope theta %v section %v interleaved %v", tx.RopeTheta, tx.MRopeSection, tx.MRopeInterleaved)
			}
			v := cfg.Vision
			if v.Depth != 32 || v.HiddenSize != 1280 || v.NumHeads != 16 || v.PatchSize != 14 || v.SpatialMergeSize != 2 ||
				v.TemporalPatchSize != 2 || v.OutHiddenSize != w.visionOut {
				t.Errorf("vision config %+v", v)
			}
			if c.family == testmodel.FamilyQwen25VL {
				if v.IntermediateSize != 3420 || v.WindowSize != 112 || !slices.Equal(v.FullAttBlockIndexes, []int{7, 15, 23, 31}) || v.HiddenAct != "silu" {
					t.Errorf("Qwen2.5-VL vision config %+v", v)
				}
			} else if v.IntermediateSize != 5120 || v.HiddenAct != "quick_gelu" {
				t.Errorf("Qwen2-VL vision config %+v", v)
			}
			if plan.Image.MinPixels != 3136 || plan.Image.MaxPixels != 12845056 {
				t.Errorf("image bounds %+v, want the real 3136..12845056", plan.Image)
			}
			shapes := map[string][]int64{}
			for _, s := range plan.Tensors {
				shapes[s.Name] = s.Shape
			}
			h, kv := int64(w.hidden), int64(w.kvHeads*128)
			want := map[string][]int64{
				"model.embed_tokens.weight":              {int64(w.vocab), h},
				"model.layers.1.self_attn.k_proj.weight": {kv, h},
				"model.layers.1.self_attn.k_proj.bias":   {kv},
				"model.layers.1.mlp.down_proj.weight":    {h, int64(w.inter)},
				"visual.patch_embed.proj.weight":         {1280, 3, 2, 14, 14},
				"visual.blocks.31.attn.qkv.weight":       {3840, 1280},
				"visual.merger.mlp.0.weight":             {5120, 5120},
				"visual.merger.mlp.2.weight":             {int64(w.visionOut), 5120},
			}
			for name, shape := range want {
				if !slices.Equal(shapes[name], shape) {
					t.Errorf("%s: shape %v, want %v", name, shapes[name], shape)
				}
			}
			if _, ok := shapes["lm_head.weight"]; ok == w.tied {
				t.Errorf("lm_head.weight planned %v with tied embeddings %v", ok, w.tied)
			}
			if plan.NumParameters() != c.parameters {
				t.Errorf("%d parameters, want %d", plan.NumParameters(), c.parameters)
			}
		})
	}
}
