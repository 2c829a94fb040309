//go:build unix

package pluginhost

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/vlmask/vlmask/plugins/builtin"
	"github.com/vlmask/vlmask/sdk"
)

// benchScoreRequest is one (step, layer) of a 300-token sequence masked
// one token at a time: Full and Attn at hidden 2048 and 16 heads of
// head_dim 128, about 7.4 MB of float32 vectors.
func benchScoreRequest() sdk.ScoreRequest {
	const groups, hidden, heads, headDim = 300, 2048, 16, 128
	req := sdk.ScoreRequest{Step: 0, Layer: 5, TargetTokenID: -1}
	for g := 0; g < groups; g++ {
		req.Groups = append(req.Groups, sdk.Group{Label: fmt.Sprint(g), Positions: []int{g}})
	}
	x := uint32(1)
	fill := func(n int) []float32 {
		out := make([]float32, n)
		for i := range out {
			x = x*1664525 + 1013904223
			out[i] = float32(int32(x>>8)) / (1 << 23)
		}
		return out
	}
	batch := func(name string, dim int) sdk.VectorBatch {
		return sdk.VectorBatch{Variant: name, Dim: dim, Baseline: fill(dim), Masked: fill(groups * dim)}
	}
	req.Batches = append(req.Batches, batch("Full", hidden), batch("Attn", hidden))
	for h := 0; h < heads; h++ {
		req.Batches = append(req.Batches, batch(fmt.Sprintf("Head_%d", h), headDim))
	}
	return req
}

// BenchmarkScoreOverhead compares the built-in metric's Score called
// directly with the same call through a plugin process (gRPC over a Unix
// socket, the test binary serving the built-in). The ratio of the two
// ns/op is the plugin overhead.
func BenchmarkScoreOverhead(b *testing.B) {
	req := benchScoreRequest()
	ctx := context.Background()
	b.Run("in-process", func(b *testing.B) {
		m, _ := builtin.Metric("metrics")
		b.SetBytes(int64(requestBytes(req)))
		for b.Loop() {
			if _, err := m.Score(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("subprocess", func(b *testing.B) {
		h, err := New(Options{Builtins: []string{"metrics"}, Logger: hclog.NewNullLogger(), Getenv: func(string) string { return "" }})
		if err != nil {
			b.Fatal(err)
		}
		defer h.Close()
		m, err := h.Metric(ctx, "metrics", nil)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(requestBytes(req)))
		for b.Loop() {
			if _, err := m.Score(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func requestBytes(req sdk.ScoreRequest) int {
	n := 0
	for _, b := range req.Batches {
		n += 4 * (len(b.Baseline) + len(b.Masked))
	}
	return n
}
