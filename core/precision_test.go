package core_test

import (
	"context"
	"math"
	"testing"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/plugins/metrics"
	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/sdktest"
)

// TestTinyAttentionHeadIsExact: a key holding 1.2e-10 of a head's attention
// moves that head's output by 1.2e-10·(v_0 − v_1) when knocked out, far
// below float32's resolution around the output. The Head_0 row must carry
// that change, as computed by hand — a1·‖v_0 − v_1‖ with a1 the key's
// softmax weight — through the metric plugin over real gRPC (float64 on
// the wire), not the 0 a float32 cast gives.
//
// The tolerance is float64's: the metric forms masked − baseline from two
// vectors of size about 2, so each component of the difference may be off
// by a few units in the last place of 2 (2^-51), whatever the change's size.
// Here that is 8e-8 of the change; float32 loses all of it.
func TestTinyAttentionHeadIsExact(t *testing.T) {
	t.Parallel()
	const a1 = 1.2e-10
	// Logits 0 and s give the second key the weight e^s/(1+e^s) = a1.
	s := math.Log(a1 / (1 - a1))
	m := &fakeModel{logits: []float64{0, s}, values: [][]float64{{1, 2}, {5, -3}}}
	rows := &collectRows{}
	an := &core.Analyzer{Model: m, Strategy: eachToken{}, Metrics: []sdk.Metric{sdktest.DispenseMetric(t, metrics.New())},
		GeneratedToken: fakeToken, Rows: rows}
	if _, err := an.Run(context.Background(), fakeInput(2), core.Options{NumTokens: 1}); err != nil {
		t.Fatal(err)
	}
	weight := math.Exp(s) / (1 + math.Exp(s))
	dist := math.Sqrt((5-1)*(5-1) + (-3-2)*(-3-2)) // ‖v_0 − v_1‖ = √41
	want := map[int]float64{
		1: weight * dist,       // the tiny key out: o' = v_0
		0: (1 - weight) * dist, // the sink out: o' = v_1
	}
	seen := 0
	for _, r := range rows.rows {
		if r.Variant != "Head_0" {
			continue
		}
		seen++
		w := want[r.TokenPosition]
		const tol = 8 * 0x1p-51 // a few ulps of the outputs' size, per component of the difference
		if r.L2Distance == 0 || math.Abs(r.L2Distance-w) > tol {
			t.Errorf("Head_0 of position %d: l2 %.17g, want %.17g (relative error %.2g)", r.TokenPosition, r.L2Distance, w, math.Abs(r.L2Distance-w)/w)
		}
	}
	if seen != 2 {
		t.Fatalf("%d Head_0 rows, want 2", seen)
	}
}
