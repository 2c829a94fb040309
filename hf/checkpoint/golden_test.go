package checkpoint

import (
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// TestLoadGoldenCheckpoints loads every golden checkpoint and checks the
// values its config.json and generation_config.json hold (see the golden
// README's "Model shapes").
func TestLoadGoldenCheckpoints(t *testing.T) {
	golden := goldenDir(t)
	qwen3VLVision := &VisionConfig{
		Depth: 2, HiddenSize: 32, IntermediateSize: 64, NumHeads: 2, PatchSize: 16, TemporalPatchSize: 2,
		SpatialMergeSize: 2, InChannels: 3, OutHiddenSize: 64, HiddenAct: "gelu_pytorch_tanh",
		NumPositionEmbeddings: 144, DeepstackVisualIndexes: []int{0, 1},
	}
	tests := []struct {
		name        string
		family      Family
		dtype       string
		theta       float64
		section     []int
		interleaved bool
		qkNorm      bool
		qkvBias     bool
		tie         bool
		vision      *VisionConfig
		image       int // image_token_id; the other vision ids follow from it
	}{
		{"qwen3_vl_basic", Qwen3VL, "float32", 5e6, []int{4, 2, 2}, true, true, false, false, qwen3VLVision, 510},
		{"qwen3_vl_resize", Qwen3VL, "bfloat16", 5e6, []int{4, 2, 2}, true, true, false, false, qwen3VLVision, 510},
		{"qwen3_vl_textonly", Qwen3VL, "float32", 5e6, []int{4, 2, 2}, true, true, false, false, qwen3VLVision, 510},
		{"qwen2_5_vl_basic", Qwen25VL, "float32", 1e6, []int{2, 3, 3}, false, false, true, false, &VisionConfig{
			Depth: 2, HiddenSize: 32, IntermediateSize: 64, NumHeads: 2, PatchSize: 14, TemporalPatchSize: 2,
			SpatialMergeSize: 2, InChannels: 3, OutHiddenSize: 64, HiddenAct: "silu",
			WindowSize: 56, FullAttBlockIndexes: []int{1}, TokensPerSecond: 2,
		}, 510},
		{"qwen2_vl_basic", Qwen2VL, "float32", 1e6, []int{2, 3, 3}, false, false, true, false, &VisionConfig{
			Depth: 2, HiddenSize: 32, IntermediateSize: 64, NumHeads: 2, PatchSize: 14, TemporalPatchSize: 2,
			SpatialMergeSize: 2, InChannels: 3, OutHiddenSize: 64, HiddenAct: "quick_gelu", EmbedDim: 32, MLPRatio: 2,
		}, 510},
		{"qwen3_text", Qwen3, "float32", 1e6, nil, false, true, false, true, nil, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(golden, tc.name, "checkpoint")
			c, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			wantText := TextConfig{
				VocabSize: 512, HiddenSize: 64, IntermediateSize: 128, NumLayers: 4, NumHeads: 4, NumKVHeads: 2, HeadDim: 16,
				RMSNormEps: 1e-6, HiddenAct: "silu", RopeTheta: tc.theta, RopeType: "default",
				MRopeSection: tc.section, MRopeInterleaved: tc.interleaved,
				AttentionBias: tc.qkvBias, OProjBias: false, QKNorm: tc.qkNorm, MaxPositionEmbeddings: 4096,
				LayerTypes: []string{"full_attention", "full_attention", "full_attention", "full_attention"},
			}
			if !reflect.DeepEqual(c.Text, wantText) {
				t.Errorf("Text =\n%+v\nwant\n%+v", c.Text, wantText)
			}
			if !reflect.DeepEqual(c.Vision, tc.vision) {
				t.Errorf("Vision =\n%+v\nwant\n%+v", c.Vision, tc.vision)
			}
			if c.Dir != dir || c.Family != tc.family || c.ModelType != string(tc.family) || c.DType != tc.dtype || c.TieWordEmbeddings != tc.tie {
				t.Errorf("Dir %q Family %q ModelType %q DType %q Tie %v; want %q %q %q %q %v",
					c.Dir, c.Family, c.ModelType, c.DType, c.TieWordEmbeddings, dir, tc.family, tc.family, tc.dtype, tc.tie)
			}
			wantIDs := []int{tc.image, tc.image + 1, tc.image - 3, tc.image - 2}
			if tc.image < 0 {
				wantIDs = []int{-1, -1, -1, -1}
			}
			if got := []int{c.ImageTokenID, c.VideoTokenID, c.VisionStartTokenID, c.VisionEndTokenID}; !slices.Equal(got, wantIDs) {
				t.Errorf("image/video/vision start/end ids = %v, want %v", got, wantIDs)
			}
			if c.BOSTokenID != 504 || !slices.Equal(c.EOSTokenIDs, []int{506}) {
				t.Errorf("config bos %d eos %v, want 504 [506]", c.BOSTokenID, c.EOSTokenIDs)
			}
			wantGen := GenerationConfig{Present: true, EOSTokenIDs: []int{506, 504}, PadTokenID: 504, BOSTokenID: 504,
				Temperature: 1, TopK: 50, TopP: 1, RepetitionPenalty: 1}
			if !reflect.DeepEqual(c.Generation, wantGen) {
				t.Errorf("Generation = %+v, want %+v", c.Generation, wantGen)
			}
			if got := c.StopTokenIDs(); !slices.Equal(got, []int{506, 504}) {
				t.Errorf("StopTokenIDs() = %v, want [506 504]", got)
			}
		})
	}
}
