package decoder

import (
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/graph"
)

func TestRecomputeBatch(t *testing.T) {
	// Qwen3-VL-2B's text shapes: 16 heads of 128, hidden 2048,
	// intermediate 6144: 2·2048 + 4·2048 + 3·6144 = 30,720 values a token.
	twoB := blocks.Decoder{Hidden: 2048, Heads: 16, KVHeads: 8, HeadDim: 128, Inter: 6144}
	tiny := blocks.Decoder{Hidden: 64, Heads: 4, KVHeads: 2, HeadDim: 16, Inter: 128}
	tests := []struct {
		name      string
		d         blocks.Decoder
		dt        graph.DType
		layers    int
		seqLen    int
		limit     int64
		wantBytes int64
		wantKept  int64
		wantBatch int
	}{
		// 1000·30720·4·7/4 = 215,040,000 a group; 28·1000·2048·4 =
		// 229,376,000 kept: (2^30 − kept)/per = 3.93.
		{"2B, 1,000 tokens, 1 GiB", twoB, graph.Float32, 28, 1000, 1 << 30, 215040000, 229376000, 3},
		{"2B, 1,000 tokens, 2 layers", twoB, graph.Float32, 2, 1000, 1 << 30, 215040000, 16384000, 4},
		// (2^30 − 32,768,000)/430,080,000 = 2.42.
		{"2B, 1,000 tokens, float64", twoB, graph.Float64, 2, 1000, 1 << 30, 430080000, 32768000, 2},
		{"2B, 100,000 tokens: one group even over the limit", twoB, graph.Float32, 28, 100000, 1 << 30, 21504000000, 22937600000, 1},
		// 50·768·4·7/4 = 268,800; 4·50·64·4 = 51,200: 3.71.
		{"tiny, 50 tokens", tiny, graph.Float32, 4, 50, 1 << 20, 268800, 51200, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RecomputeGroupBytes(tt.d, tt.dt, tt.seqLen); got != tt.wantBytes {
				t.Errorf("RecomputeGroupBytes = %d, want %d", got, tt.wantBytes)
			}
			if got := RecomputeKeptBytes(tt.d, tt.dt, tt.layers, tt.seqLen); got != tt.wantKept {
				t.Errorf("RecomputeKeptBytes = %d, want %d", got, tt.wantKept)
			}
			if got := RecomputeBatch(tt.d, tt.dt, tt.layers, tt.seqLen, tt.limit); got != tt.wantBatch {
				t.Errorf("RecomputeBatch = %d, want %d", got, tt.wantBatch)
			}
		})
	}
}
