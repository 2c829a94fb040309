package core

import (
	"math"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// TestOutputBaselineScore checks the six effect measures against their
// definitions written out directly (probabilities by softmax, KL as
// Σ p·log(p/p′)), on hand-made logits: a small change, a change of the
// greedy token with ties, an identical output and a very peaked one.
func TestOutputBaselineScore(t *testing.T) {
	softmax := func(z []float64) []float64 {
		var s float64
		out := make([]float64, len(z))
		for i, x := range z {
			out[i] = math.Exp(x)
			s += out[i]
		}
		for i := range out {
			out[i] /= s
		}
		return out
	}
	direct := func(z, z2, h, h2 []float64, g int) (results.Effect, float64) {
		p, q := softmax(z), softmax(z2)
		var e results.Effect
		for i := range p {
			e.KL += p[i] * math.Log(p[i]/q[i])
			e.TV += math.Abs(p[i]-q[i]) / 2
			if z2[i] > z2[g] {
				e.Rank++
			}
		}
		e.DLogP = math.Log(q[g]) - math.Log(p[g])
		best := 0
		for i, x := range z2 {
			if x > z2[best] {
				best = i
			}
		}
		e.ArgmaxChanged = best != g
		var dot, nh, nh2 float64
		for i := range h {
			e.FinalHiddenL2 += (h2[i] - h[i]) * (h2[i] - h[i])
			dot, nh, nh2 = dot+h[i]*h2[i], nh+h[i]*h[i], nh2+h2[i]*h2[i]
		}
		e.FinalHiddenL2 = math.Sqrt(e.FinalHiddenL2)
		return e, 1 - dot/math.Sqrt(nh*nh2)
	}
	z := []float64{1.5, 3, -2, 0.25, 2.5}
	h := []float64{0.3, -1.2, 2}
	tests := map[string]struct{ z2, h2 []float64 }{
		"small change":             {[]float64{1.5, 2.9, -2, 0.3, 2.5}, []float64{0.31, -1.2, 1.99}},
		"greedy token overtaken":   {[]float64{3.2, 3, -2, 3.2, 2.5}, []float64{-0.3, 1.2, 2}},
		"identical":                {z, h},
		"peaked, a tie for second": {[]float64{-30, 40, -30, 0, 0}, []float64{0.3, -1.2, 2.5}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b := newOutputBaseline(z, h, 1)
			got, gotCos := b.score(tc.z2, tc.h2, make([]float64, len(z)))
			want, wantCos := direct(z, tc.z2, h, tc.h2, 1)
			if got.Rank != want.Rank || got.ArgmaxChanged != want.ArgmaxChanged {
				t.Errorf("rank/argmax_changed %d/%t, want %d/%t", got.Rank, got.ArgmaxChanged, want.Rank, want.ArgmaxChanged)
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"kl", got.KL, want.KL}, {"dlogp", got.DLogP, want.DLogP}, {"tv", got.TV, want.TV},
				{"final_hidden_l2", got.FinalHiddenL2, want.FinalHiddenL2}, {"cosine", gotCos, wantCos}} {
				if math.Abs(c.got-c.want) > 1e-12 {
					t.Errorf("%s %v, want %v", c.name, c.got, c.want)
				}
			}
			if name == "identical" && (got != results.Effect{} || gotCos != 0) {
				t.Errorf("identical output: %+v, cosine %v; want exact zeros", got, gotCos)
			}
		})
	}
}
