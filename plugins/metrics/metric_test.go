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
	want := map[string][]float32{
		metrics.ColumnL2:     {0, float32(math.Sqrt2), 0, 4},
		metrics.ColumnCosine: {0, 1, 0, 2},
	}
	if len(resp.Columns) != 2 {
		t.Fatalf("%d columns, want 2", len(resp.Columns))
	}
	for _, c := range resp.Columns {
		w := want[c.Name]
		if len(c.Values) != len(w) {
			t.Fatalf("column %s: %v, want %v", c.Name, c.Values, w)
		}
		for i := range w {
			if c.Values[i] != w[i] {
				t.Errorf("column %s value %d (batch-major) = %v, want %v", c.Name, i, c.Values[i], w[i])
			}
		}
	}
}

// Values are computed in float64 and rounded to float32 once.
func TestScoreRoundsOnce(t *testing.T) {
	t.Parallel()
	b := []float32{0.1, 0.2, 0.3}
	m := []float32{0.3, -0.7, 1e-3}
	req := sdk.ScoreRequest{Groups: []sdk.Group{{Positions: []int{0}}}, Batches: []sdk.VectorBatch{{Variant: "Attn", Dim: 3, Baseline: b, Masked: m}}}
	resp, err := metrics.New().Score(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := resp.Columns[0].Values[0], float32(metrics.L2Distance(b, m)); got != want {
		t.Errorf("l2 %v, want float32 of the float64 value %v", got, want)
	}
	if got, want := resp.Columns[1].Values[0], float32(metrics.CosineDistance(b, m)); got != want {
		t.Errorf("cosine %v, want float32 of the float64 value %v", got, want)
	}
}

func TestScoreRejectsMalformedBatches(t *testing.T) {
	t.Parallel()
	req := sdk.ScoreRequest{Groups: []sdk.Group{{Positions: []int{0}}}, Batches: []sdk.VectorBatch{{Variant: "Full", Dim: 2, Baseline: []float32{1, 2}, Masked: []float32{1}}}}
	if _, err := metrics.New().Score(context.Background(), req); !errors.Is(err, sdk.ErrInvalidRequest) {
		t.Errorf("Score with a short masked batch: %v, want sdk.ErrInvalidRequest", err)
	}
}
