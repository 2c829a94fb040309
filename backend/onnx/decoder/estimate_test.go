package decoder

import (
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// estimateConfig is a small checkpoint's shape: 2 layers, 4 heads over 2
// KV heads of 8, hidden 32, intermediate 64; a vision tower of width 16,
// intermediate 32, 2 heads, 2×2 patches over 2 frames of 3 channels (24
// values a patch) and one DeepStack level. Its tensors are weightTensors'.
func estimateConfig() *checkpoint.Config {
	return &checkpoint.Config{
		TieWordEmbeddings: true,
		Text:              checkpoint.TextConfig{NumLayers: 2, NumHeads: 4, NumKVHeads: 2, HeadDim: 8, HiddenSize: 32, IntermediateSize: 64},
		Vision: &checkpoint.VisionConfig{HiddenSize: 16, IntermediateSize: 32, NumHeads: 2, PatchSize: 2, TemporalPatchSize: 2, InChannels: 3,
			DeepstackVisualIndexes: []int{0}},
	}
}

// TestEstimateMemory checks the estimate against bytes computed by hand
// from the formula's parts (README, "Memory"); the attention budget is the
// largest (memory unknown), so every block holds all of its rows.
func TestEstimateMemory(t *testing.T) {
	const runtime = 128 << 20
	for _, tc := range []struct {
		name string
		opts Options
		w    Workload
		want Estimate
	}{
		{
			// KV: 2 layers · 2 · 2 KV heads · 12 positions · 8 · 4 bytes.
			// Prefill of 10 tokens, ONNX Runtime: 4 · (10·(6·32 + 4·32 +
			// 2·2·8 + 3·64) + 2·(4·10)·10 scores + 3·2·10·8 + 10·10 mask)
			// = 27,280; Go: 10·32·4 + 10·12·4 + 4·12·8 + 2·12·8·8 = 3,680,
			// besides the prompt's embeddings, 10·32·8 = 2,560. Activations:
			// 27,280 + 2 · (2,560 + 3,680).
			name: "generation, text",
			w:    Workload{PromptTokens: 10, Steps: 3},
			want: Estimate{Weights: 21120, KVCache: 3072, Activations: 39760, Runtime: runtime, Peak: "prefill"},
		},
		{
			// One image of 16 patches and 4 tokens. Kept in Go: its pixels
			// 16·24·4, the prompt 10·32·8, DeepStack's 4·32·8 = 5,120.
			// Vision tower: 4 · (16·(24 + 14·16 + 2·32) + 2·(2·16)·16 + 4·32·2)
			// = 25,088 and 4·16·(16 + 2·8) + 8·4·32·2 = 4,096 in Go.
			// Prefill: 27,280 and 10·32·4 + 10·10·4 + 4·10·8 + 2·10·8·8 =
			// 3,280. Knockout of 10 groups (11 rows): 4·11·(32 + 5·32 +
			// 3·64) = 16,896; Go: the prefill's 3,280, 2 layers of vectors
			// 11·(32 + 2·32)·8 and of rows 10·(2 + 4 heads)·256, the tail's
			// input 11·32·4 and the heads' scratch 10·32·8 = 54,864.
			// Activations: 27,280 + 2 · (5,120 + 54,864).
			name: "analysis with an image",
			w:    Workload{PromptTokens: 10, Steps: 1, Images: []ImageLoad{{Patches: 16, Tokens: 4}}, Knockout: true, PerHead: true},
			want: Estimate{Weights: 23232, KVCache: 2560, Activations: 147248, Runtime: runtime, Peak: "knockout"},
		},
		{
			// Kept: the prompt 2,560 and every layer's inputs in float32,
			// 2·10·32·4. A batch holds 4 groups (3 and the baseline; 1 GiB
			// holds far more): 4 · (4·10·(4·32 + 6·32 + 3·64) + 2·(4·4·10)·10
			// + 10·10 + 10·(32 + 2·8)) = 97,040; Go: 3,280 + 10·10·4 +
			// 10·32·4 + 4·(32 + 64)·8 = 8,032. Activations: 97,040 + 2 ·
			// (5,120 + 8,032).
			name: "recompute",
			w:    Workload{PromptTokens: 10, Steps: 1, Knockout: true, Recompute: true, Groups: 3},
			want: Estimate{Weights: 21120, KVCache: 2560, Activations: 123344, Runtime: runtime, Peak: "recompute"},
		},
		{
			// float64: the decoder's weights converted at 8 bytes; the
			// prefill at 8 bytes a value: 8 · 6,820 (as above, 10 tokens) and
			// Go 10·32·8 + 10·10·8 + 320 + 1,280 = 4,960. Activations: 54,560
			// + 2 · (2,560 + 4,960).
			name: "float64",
			opts: Options{DType: graph.Float64},
			w:    Workload{PromptTokens: 10, Steps: 1},
			want: Estimate{Weights: 42240, Converted: 42240, KVCache: 5120, Activations: 69600, Runtime: runtime, Peak: "prefill"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := EstimateMemory(estimateConfig(), weightTensors(safetensors.F32, false), tc.opts, tc.w)
			if got != tc.want {
				t.Errorf("EstimateMemory =\n%+v, want\n%+v", got, tc.want)
			}
			if got.Total() != got.Weights+got.KVCache+got.Activations+got.Runtime {
				t.Errorf("Total %d is not the sum of the parts", got.Total())
			}
		})
	}
}

func TestBlockScores(t *testing.T) {
	for _, tc := range []struct {
		perRow, rows, budget, want int64
	}{
		{40, 10, 0, 400},    // no budget: every row at once
		{40, 10, 1000, 400}, // the budget holds every row
		{40, 10, 100, 80},   // 2 rows a block, 5 blocks
		{32, 7, 100, 96},    // 3 rows a block: 3 blocks of 3 (the last padded)
		{300, 10, 100, 300}, // a row beyond the budget: one row a block
		{40, 0, 100, 0},     // nothing to attend
	} {
		if got := blockScores(tc.perRow, tc.rows, tc.budget); got != tc.want {
			t.Errorf("blockScores(%d, %d, %d) = %d, want %d", tc.perRow, tc.rows, tc.budget, got, tc.want)
		}
	}
}

func TestEstimateString(t *testing.T) {
	for _, tc := range []struct {
		e    Estimate
		want string
	}{
		{Estimate{Weights: 16 << 30, KVCache: 400 << 20, Activations: 10 << 30, Runtime: 128 << 20},
			"26.5 GiB (weights 16.0, KV cache 0.4, activations 10.0, runtime 0.1)"},
		{Estimate{Weights: 1 << 20, Activations: 4 << 20, Runtime: 128 << 20}, "133 MiB (weights 1, KV cache 0, activations 4, runtime 128)"},
	} {
		if got := tc.e.String(); got != tc.want {
			t.Errorf("String = %q, want %q", got, tc.want)
		}
	}
}

// TestEffectStage checks the propagated knockout's stage against bytes
// computed by hand.
func TestEffectStage(t *testing.T) {
	cfg := estimateConfig()
	cfg.Text.VocabSize = 100
	for _, tc := range []struct {
		name            string
		total           int64
		groups          int
		budget          int64
		wantORT, wantGo int64
	}{
		// 3 rows, all scored in one head product (16M/100 rows a product):
		// ONNX Runtime 4 · 3 · (6·32 + 4·32 + 3·64 + 2·4·10) + 4 · 3 ·
		// (100 + 32) = 7,104 + 1,584; Go 3·32·8·3 + 3·132·8·2 = 2,304 +
		// 6,336.
		{"3 groups", 10, 3, 0, 8688, 8640},
		// 0 groups: one per position, 10 rows.
		{"a group per position", 10, 0, 0, 4*10*(192+128+192+80) + 4*10*132, 10*32*8*3 + 10*132*8*2},
		// A budget of 80 scores holds 2 rows (4 heads × 10 positions each).
		{"2 rows at a time", 10, 0, 80, 4*2*(192+128+192+80) + 4*2*132, 2*32*8*3 + 2*132*8*2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := effectStage(cfg, 4, tc.total, tc.groups, tc.budget)
			if got.ort != tc.wantORT || got.heap != tc.wantGo || got.name != "effect" {
				t.Errorf("effectStage = %+v, want ort %d heap %d", got, tc.wantORT, tc.wantGo)
			}
		})
	}
}
