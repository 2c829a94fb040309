package metrics_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/vlmask/vlmask/plugins/metrics"
	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/sdktest"
)

func TestConformance(t *testing.T) {
	sdktest.RunMetricConformance(t, metrics.New())
}

func TestScoreLayout(t *testing.T) {
	t.Parallel()
	req := sdk.ScoreRequest{
		Groups: []sdk.Group{{Positions: []int{0}}, {Positions: []int{1}}},
		Batches: []sdk.VectorBatch{
			{Variant: "Full", Dim: 2, Baseline: []float32{1, 0}, Masked: []float32{1, 0, 0, 1}},
			{Variant: "Head_0", Dim: 1, Baseline: []float32{2}, Masked: []float32{2, -2}},
		},
	}
	resp, err := metrics.New().Score(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float64{
		metrics.ColumnL2:     {0, math.Sqrt2, 0, 4},
		metrics.ColumnCosine: {0, 1, 0, 2},
	}
	if len(resp.Columns) != 2 {
		t.Fatalf("%d columns, want 2", len(resp.Columns))
	}
	for _, c := range resp.Columns {
		w := want[c.Name]
		if len(c.Values64) != len(w) {
			t.Fatalf("column %s: %v, want %v in float64", c.Name, c.Values64, w)
		}
		for i := range w {
			if c.Values64[i] != w[i] {
				t.Errorf("column %s value %d (batch-major) = %v, want %v", c.Name, i, c.Values64[i], w[i])
			}
		}
	}
}

// TestScoreIsExactInFloat64: a knockout that moves a head's output by
// 1.2e-10 — what a token with attention 1.2e-10 does — is lost in float32
// (the two vectors round to the same floats) and kept in float64. The
// expected values are worked out by hand: the difference is (3·1.2e-10,
// 4·1.2e-10), so its norm is 5·1.2e-10 = 6e-10.
func TestScoreIsExactInFloat64(t *testing.T) {
	t.Parallel()
	const eps = 1.2e-10
	b := []float64{0.25, -1.5}
	m := []float64{0.25 + 3*eps, -1.5 + 4*eps}
	if float32(b[0]) != float32(m[0]) || float32(b[1]) != float32(m[1]) {
		t.Fatal("the test's premise: the change is below float32's resolution")
	}
	req := sdk.ScoreRequest{Groups: []sdk.Group{{Positions: []int{0}}},
		Batches: []sdk.VectorBatch{{Variant: "Head_0", Dim: 2, Baseline64: b, Masked64: m}}}
	resp, err := metrics.New().Score(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Columns[0].Values64[0]; math.Abs(got-5*eps) > 1e-6*5*eps {
		t.Errorf("l2 %.17g, want 6e-10 (5 × 1.2e-10) to float64 precision", got)
	}
	// From float32 vectors alone (a 1.0 host), the change is gone: that is
	// the loss protocol 1.1 removes.
	req.Batches[0] = sdk.VectorBatch{Variant: "Head_0", Dim: 2, Baseline: []float32{float32(b[0]), float32(b[1])}, Masked: []float32{float32(m[0]), float32(m[1])}}
	resp, err = metrics.New().Score(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Columns[0].Values64[0]; got != 0 {
		t.Errorf("from float32 vectors l2 = %g, want 0 (the change is below float32 resolution)", got)
	}
}

func TestScoreRejectsMalformedBatches(t *testing.T) {
	t.Parallel()
	req := sdk.ScoreRequest{Groups: []sdk.Group{{Positions: []int{0}}}, Batches: []sdk.VectorBatch{{Variant: "Full", Dim: 2, Baseline: []float32{1, 2}, Masked: []float32{1}}}}
	if _, err := metrics.New().Score(context.Background(), req); !errors.Is(err, sdk.ErrInvalidRequest) {
		t.Errorf("Score with a short masked batch: %v, want sdk.ErrInvalidRequest", err)
	}
}
