package main

import (
	"context"
	"errors"
	"testing"

	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/sdktest"
)

func TestConformance(t *testing.T) {
	sdktest.RunMetricConformance(t, logitProjection{})
}

func TestProjection(t *testing.T) {
	t.Parallel()
	m := sdktest.DispenseMetric(t, logitProjection{})
	req := sdk.ScoreRequest{
		TargetTokenID: 9,
		Groups:        []sdk.Group{{Label: "a", Positions: []int{0}}, {Label: "b", Positions: []int{1}}},
		Batches: []sdk.VectorBatch{
			{Variant: "Full", Dim: 2, Baseline: []float32{1, 1}, Masked: []float32{4, 1, 1, -3}},
			{Variant: "Attn", Dim: 2, Baseline: []float32{0, 0}, Masked: []float32{0, 0, 6, 8}},
		},
		Unembedding: []float32{3, 4}, // ‖u‖ = 5
	}
	resp, err := m.Score(context.Background(), req)
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	if err := sdk.ValidateScore(req, resp); err != nil {
		t.Fatal(err)
	}
	// Full: (3,0)·u/5 = 1.8, (0,−4)·u/5 = −3.2; Attn: 0, (6,8)·u/5 = 10.
	sdktest.Golden(t, "testdata/projection.golden.json", resp)
	want := []float64{1.8, -3.2, 0, 10}
	for i, w := range want {
		if got := resp.Columns[0].Float64s()[i]; got != w {
			t.Errorf("value %d = %v, want %v", i, got, w)
		}
	}
}

func TestRejectsMissingUnembedding(t *testing.T) {
	t.Parallel()
	m := sdktest.DispenseMetric(t, logitProjection{})
	req := sdk.ScoreRequest{
		Groups:  []sdk.Group{{Positions: []int{0}}},
		Batches: []sdk.VectorBatch{{Variant: "Full", Dim: 2, Baseline: []float32{1, 1}, Masked: []float32{1, 1}}},
	}
	if _, err := m.Score(context.Background(), req); !errors.Is(err, sdk.ErrInvalidRequest) {
		t.Errorf("Score without an unembedding row: %v, want sdk.ErrInvalidRequest", err)
	}
}
