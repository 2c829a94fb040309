package testmodel_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// TestPlan2B checks the 2b preset's configuration as vlmask's loader reads
// it, without drawing its weights: the Qwen3-VL-2B-Instruct shapes, the
// tensor shapes that follow from them, and the parameter count.
func TestPlan2B(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		opts       testmodel.Options
		layers     int
		deepstack  []int
		vision     bool
		parameters int64
	}{
		// 2 127 532 032: 1 720 574 976 decoder (Qwen3-1.7B's count, tied) +
		// 406 957 056 vision tower.
		{"full", testmodel.Options{Preset: testmodel.Preset2B}, 28, []int{5, 11, 17}, true, 2127532032},
		{"2 layers", testmodel.Options{Preset: testmodel.Preset2B, Layers: 2}, 2, []int{5, 11}, true, 0},
		{"2 layers text only", testmodel.Options{Preset: testmodel.Preset2B, Layers: 2, Vision: boolPtr(false)}, 2, []int{5, 11}, false, 0},
		{"qwen3 text", testmodel.Options{Family: testmodel.FamilyQwen3, Preset: testmodel.Preset2B}, 28, nil, false, 1720574976},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			plan, err := testmodel.NewPlan(c.opts)
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
			tx := cfg.Text
			if tx.VocabSize != 151936 || tx.HiddenSize != 2048 || tx.IntermediateSize != 6144 || tx.NumLayers != c.layers ||
				tx.NumHeads != 16 || tx.NumKVHeads != 8 || tx.HeadDim != 128 || tx.RMSNormEps != 1e-6 || !cfg.TieWordEmbeddings {
				t.Errorf("text config %+v tied %v", tx, cfg.TieWordEmbeddings)
			}
			if c.opts.Family == testmodel.FamilyQwen3 {
				if tx.RopeTheta != 1e6 || tx.MRopeSection != nil || tx.MaxPositionEmbeddings != 40960 || cfg.Vision != nil {
					t.Errorf("qwen3 rope %v %v max %d vision %+v", tx.RopeTheta, tx.MRopeSection, tx.MaxPositionEmbeddings, cfg.Vision)
				}
			} else {
				if tx.RopeTheta != 5e6 || !slices.Equal(tx.MRopeSection, []int{24, 20, 20}) || !tx.MRopeInterleaved || tx.MaxPositionEmbeddings != 262144 {
					t.Errorf("rope theta %v section %v interleaved %v max %d", tx.RopeTheta, tx.MRopeSection, tx.MRopeInterleaved, tx.MaxPositionEmbeddings)
				}
				v := cfg.Vision
				if v == nil || v.Depth != 24 || v.HiddenSize != 1024 || v.IntermediateSize != 4096 || v.NumHeads != 16 ||
					v.PatchSize != 16 || v.TemporalPatchSize != 2 || v.SpatialMergeSize != 2 || v.OutHiddenSize != 2048 ||
					v.NumPositionEmbeddings != 2304 || !slices.Equal(v.DeepstackVisualIndexes, c.deepstack) {
					t.Errorf("vision config %+v", v)
				}
			}
			if plan.Vision != nil && plan.Image.MinPixels != 65536 || plan.Image != nil && plan.Image.MaxPixels != 16777216 {
				t.Errorf("image bounds %+v, want the real 65536..16777216", plan.Image)
			}

			shapes := map[string][]int64{}
			hasVision := false
			for _, s := range plan.Tensors {
				shapes[s.Name] = s.Shape
				hasVision = hasVision || strings.HasPrefix(s.Name, "model.visual.")
			}
			if hasVision != c.vision {
				t.Errorf("vision tensors %v, want %v", hasVision, c.vision)
			}
			prefix := "model.language_model."
			if c.opts.Family == testmodel.FamilyQwen3 {
				prefix = "model."
			}
			want := map[string][]int64{
				prefix + "embed_tokens.weight":                      {151936, 2048},
				prefix + "layers.1.self_attn.q_proj.weight":         {2048, 2048},
				prefix + "layers.1.self_attn.k_proj.weight":         {1024, 2048},
				prefix + "layers.1.self_attn.o_proj.weight":         {2048, 2048},
				prefix + "layers.1.self_attn.k_norm.weight":         {128},
				prefix + "layers.1.mlp.down_proj.weight":            {2048, 6144},
				prefix + "layers.1.post_attention_layernorm.weight": {2048},
			}
			if c.vision {
				want["model.visual.patch_embed.proj.weight"] = []int64{1024, 3, 2, 16, 16}
				want["model.visual.pos_embed.weight"] = []int64{2304, 1024}
				want["model.visual.blocks.23.attn.qkv.weight"] = []int64{3072, 1024}
				want["model.visual.merger.linear_fc1.weight"] = []int64{4096, 4096}
				want["model.visual.merger.norm.weight"] = []int64{1024}
				want["model.visual.deepstack_merger_list.1.norm.weight"] = []int64{4096}
				want["model.visual.deepstack_merger_list.1.linear_fc2.weight"] = []int64{2048, 4096}
			}
			for name, shape := range want {
				if !slices.Equal(shapes[name], shape) {
					t.Errorf("%s: shape %v, want %v", name, shapes[name], shape)
				}
			}
			if _, ok := shapes["lm_head.weight"]; ok {
				t.Error("tied embeddings, yet lm_head.weight is planned")
			}
			if _, ok := shapes["model.visual.deepstack_merger_list.2.norm.weight"]; ok != (len(c.deepstack) == 3 && c.vision) {
				t.Errorf("third DeepStack merger planned: %v", ok)
			}
			if c.parameters != 0 && plan.NumParameters() != c.parameters {
				t.Errorf("%d parameters, want %d", plan.NumParameters(), c.parameters)
			}
			if plan.WeightBytes() != 4*plan.NumParameters() {
				t.Errorf("float32 weights take %d bytes for %d parameters", plan.WeightBytes(), plan.NumParameters())
			}
		})
	}
}

// TestPresets checks the advertised names: every family's presets plan,
// the others are refused.
func TestPresets(t *testing.T) {
	if got := testmodel.Presets(); !slices.Equal(got, []string{"tiny", "2b", "3b", "4b", "7b", "8b"}) {
		t.Errorf("Presets() = %q", got)
	}
	want := map[string][]string{
		testmodel.FamilyQwen3VL:  {"tiny", "2b", "8b"},
		testmodel.FamilyQwen3:    {"tiny", "2b", "8b"},
		testmodel.FamilyQwen2VL:  {"tiny", "2b", "7b"},
		testmodel.FamilyQwen25VL: {"tiny", "3b", "7b"},
		testmodel.FamilyLlava:    {"tiny", "7b"},
		testmodel.FamilyGemma3:   {"tiny", "4b"},
	}
	for _, f := range testmodel.Families() {
		if got := testmodel.PresetsFor(f); !slices.Equal(got, want[f]) {
			t.Errorf("PresetsFor(%s) = %q, want %q", f, got, want[f])
		}
		for _, p := range testmodel.Presets() {
			_, err := testmodel.NewPlan(testmodel.Options{Family: f, Preset: p})
			if ok := slices.Contains(want[f], p); ok != (err == nil) {
				t.Errorf("family %s preset %s: %v", f, p, err)
			}
			if err != nil && !errors.Is(err, testmodel.ErrInvalidOptions) {
				t.Errorf("family %s preset %s: %v, want ErrInvalidOptions", f, p, err)
			}
		}
	}
}

// TestPreset8B: the 8B preset has Qwen3-VL-8B-Instruct's published size,
// 8.77 billion parameters; 8,767,123,696 is the count of its config's
// tensors worked out by hand (text: two 151936×4096 tables and 36 layers
// of q, k, v, o, q/k norms, two norms and a 4096×12288 SwiGLU MLP, and the
// final norm; vision: the patch embedding, 2304 positions, 27 blocks of
// width 1152 with a 4304 MLP, the merger and three DeepStack mergers).
func TestPreset8B(t *testing.T) {
	plan, err := testmodel.NewPlan(testmodel.Options{Family: testmodel.FamilyQwen3VL, Preset: testmodel.Preset8B})
	if err != nil {
		t.Fatal(err)
	}
	if got := plan.NumParameters(); got != 8767123696 {
		t.Errorf("%d parameters, want 8767123696", got)
	}
}

func TestPlanVisionLayers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name              string
		opts              testmodel.Options
		depth             int
		deepstack, fullAt []int
	}{
		{"qwen3_vl 2b, 12 blocks", testmodel.Options{Preset: testmodel.Preset2B, VisionLayers: 12}, 12, []int{5, 11}, nil},
		{"qwen3_vl 2b, 2 blocks: no deepstack block left", testmodel.Options{Preset: testmodel.Preset2B, VisionLayers: 2}, 2, []int{}, nil},
		{"qwen3_vl 2b, 12 blocks and 1 decoder layer", testmodel.Options{Preset: testmodel.Preset2B, Layers: 1, VisionLayers: 12}, 12, []int{5}, nil},
		{"qwen2_5_vl 3b, 16 blocks", testmodel.Options{Family: testmodel.FamilyQwen25VL, Preset: testmodel.Preset3B, VisionLayers: 16}, 16, []int{}, []int{7, 15}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			plan, err := testmodel.NewPlan(c.opts)
			if err != nil {
				t.Fatal(err)
			}
			v := plan.Vision
			if v.Depth != c.depth || !slices.Equal(v.DeepstackVisualIndexes, c.deepstack) || !slices.Equal(v.FullAttBlockIndexes, c.fullAt) {
				t.Errorf("depth %d deepstack %v fullatt %v, want %d %v %v", v.Depth, v.DeepstackVisualIndexes, v.FullAttBlockIndexes, c.depth, c.deepstack, c.fullAt)
			}
			blocks := 0
			for _, ts := range plan.Tensors {
				if strings.HasSuffix(ts.Name, ".attn.proj.weight") {
					blocks++
				}
			}
			if blocks != c.depth {
				t.Errorf("%d vision blocks' tensors, want %d", blocks, c.depth)
			}
		})
	}
	if _, err := testmodel.NewPlan(testmodel.Options{VisionLayers: -1}); !errors.Is(err, testmodel.ErrInvalidOptions) {
		t.Errorf("VisionLayers -1: %v, want ErrInvalidOptions", err)
	}
}
