//go:build unix

package pluginhost

import (
	"context"
	"math"
	"testing"

	"github.com/hashicorp/go-plugin"

	"github.com/vlmask/vlmask/plugins/metrics"
	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/sdktest"
)

// TestMetricPrecisionByMinor: the host negotiates by the minor a plugin
// declares. A plugin of the current minor gets float64 vectors and answers
// in float64: a change of 1.2e-10 survives. A plugin built with protocol
// 1.0 keeps working — it gets float32 vectors (it cannot read the float64
// fields) and answers in float32 — and gives what 1.0 always gave: that
// change rounded away.
func TestMetricPrecisionByMinor(t *testing.T) {
	const eps = 1.2e-10
	h, _ := newTestHost(t, Options{Reattach: map[string]*plugin.ReattachConfig{
		"current": sdktest.ServeInProcess(t, metrics.New()),
		"old":     sdktest.ServeProtocol10Metric(t, metrics.New()),
	}})
	b := []float64{0.25, -1.5}
	m := []float64{0.25 + 3*eps, -1.5 + 4*eps} // ‖m − b‖ = 5·eps, by hand
	req := sdk.WithBothPrecisions(sdk.ScoreRequest{Groups: []sdk.Group{{Label: "t", Positions: []int{0}}},
		Batches: []sdk.VectorBatch{{Variant: "Head_0", Dim: 2, Baseline64: b, Masked64: m}}})
	tests := map[string]struct {
		minor int
		check func(l2 float64) bool
		want  string
	}{
		"current": {minor: sdk.ProtocolMinor, check: func(l2 float64) bool { return math.Abs(l2-5*eps) <= 4*0x1p-52*2 }, want: "5·1.2e-10"},
		"old":     {minor: 0, check: func(l2 float64) bool { return l2 == 0 }, want: "0 (float32 cannot hold the change)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			metric, err := h.Metric(context.Background(), name, nil)
			if err != nil {
				t.Fatalf("Metric: %v", err)
			}
			d, err := metric.Describe(context.Background())
			if err != nil || d.ProtocolMinor != tc.minor {
				t.Fatalf("Describe: minor %d, %v; want minor %d", d.ProtocolMinor, err, tc.minor)
			}
			resp, err := metric.Score(context.Background(), req)
			if err != nil {
				t.Fatalf("Score: %v", err)
			}
			if l2 := resp.Columns[0].Float64s()[0]; !tc.check(l2) {
				t.Errorf("l2_distance %.17g, want %s", l2, tc.want)
			}
			if tc.minor == 0 && resp.Columns[0].Values64 != nil {
				t.Errorf("a 1.0 plugin sent float64 values")
			}
		})
	}
}

// TestOldMinorMetricConformance runs the metric conformance suite on a
// metric served as a protocol 1.0 plugin, through the host: Describe is
// sane and Score's answers are valid and the same as the metric's own on
// float32 vectors.
func TestOldMinorMetricConformance(t *testing.T) {
	h, _ := newTestHost(t, Options{Reattach: map[string]*plugin.ReattachConfig{"old": sdktest.ServeProtocol10Metric(t, metrics.New())}})
	old, err := h.Metric(context.Background(), "old", nil)
	if err != nil {
		t.Fatalf("Metric: %v", err)
	}
	d, err := old.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, groups := range []int{3, 1, 0} {
		req := sdktest.SampleScoreRequest(d, groups)
		resp, err := old.Score(context.Background(), req)
		if err != nil {
			t.Fatalf("%d groups: Score: %v", groups, err)
		}
		// What a 1.0 plugin computes: the metric on the float32 vectors,
		// rounded to float32.
		f32 := req
		f32.Batches = nil
		for _, b := range req.Batches {
			f32.Batches = append(f32.Batches, sdk.VectorBatch{Variant: b.Variant, Dim: b.Dim, Baseline: b.Baseline, Masked: b.Masked})
		}
		want, err := metrics.New().Score(context.Background(), f32)
		if err != nil {
			t.Fatal(err)
		}
		for c := range want.Columns {
			got, exp := resp.Columns[c].Float32s(), want.Columns[c].Float32s()
			if len(got) != len(exp) {
				t.Fatalf("%d groups, column %s: %d values, want %d", groups, want.Columns[c].Name, len(got), len(exp))
			}
			for i := range exp {
				if math.Float32bits(got[i]) != math.Float32bits(exp[i]) {
					t.Errorf("%d groups, column %s value %d: %v, want %v", groups, want.Columns[c].Name, i, got[i], exp[i])
				}
			}
		}
	}
}
