package core

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteKnockout is the definition: softmax over the keys outside the group,
// then the weighted sum of their values.
func bruteKnockout(a *attention, group []int) []float64 {
	keep := make([]bool, a.seqLen)
	for j := range keep {
		keep[j] = true
	}
	for _, j := range group {
		keep[j] = false
	}
	out := make([]float64, a.heads*a.headDim)
	w := make([]float64, a.seqLen)
	for h := 0; h < a.heads; h++ {
		softmaxInto(w, a.scores[h*a.seqLen:(h+1)*a.seqLen], keep)
		for j, wj := range w {
			if wj == 0 {
				continue
			}
			for k, v := range a.value(h, j) {
				out[h*a.headDim+k] += wj * v
			}
		}
	}
	return out
}

func randomAttention(t *testing.T, rng *rand.Rand, sinkLogit float64) *attention {
	t.Helper()
	spec := Spec{NumHeads: 4, NumKVHeads: 2, HeadDim: 8}
	seq := 5 + rng.IntN(40)
	scores := make([]float64, spec.NumHeads*seq)
	for i := range scores {
		scores[i] = rng.NormFloat64() * 2
	}
	if sinkLogit != 0 { // key 0 takes almost all the mass in every head
		for h := 0; h < spec.NumHeads; h++ {
			scores[h*seq] = sinkLogit
		}
	}
	values := make([]float64, spec.NumKVHeads*seq*spec.HeadDim)
	for i := range values {
		values[i] = rng.NormFloat64()
	}
	a, err := newAttention(spec, seq, scores, values)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestKnockoutMatchesBruteForce(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		sink      float64
		groupSize func(rng *rand.Rand, seq int) int
	}{
		"singletons":         {groupSize: func(*rand.Rand, int) int { return 1 }},
		"random groups":      {groupSize: func(rng *rand.Rand, seq int) int { return 1 + rng.IntN(seq-1) }},
		"sink singleton":     {sink: 30, groupSize: func(*rand.Rand, int) int { return 1 }},
		"sink random groups": {sink: 30, groupSize: func(rng *rand.Rand, seq int) int { return 1 + rng.IntN(seq-1) }},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(7, uint64(len(name))))
			for trial := 0; trial < 50; trial++ {
				a := randomAttention(t, rng, tc.sink)
				size := tc.groupSize(rng, a.seqLen)
				group := rng.Perm(a.seqLen)[:size]
				if tc.sink != 0 && trial%2 == 0 {
					group[0] = 0 // knock the sink out
				}
				got := make([]float64, a.heads*a.headDim)
				a.knockout(group, got)
				want := bruteKnockout(a, group)
				for i := range want {
					if d := math.Abs(got[i] - want[i]); d > 1e-12*math.Max(1, math.Abs(want[i])) {
						t.Fatalf("trial %d group %v: element %d = %v, brute force %v (|Δ| %g)", trial, group, i, got[i], want[i], d)
					}
				}
			}
		})
	}
}

func TestKnockoutEmptyGroupIsBaseline(t *testing.T) {
	t.Parallel()
	a := randomAttention(t, rand.New(rand.NewPCG(1, 2)), 0)
	got := make([]float64, a.heads*a.headDim)
	a.knockout(nil, got)
	for i := range got {
		if got[i] != a.out[i] {
			t.Fatalf("element %d: %v, baseline %v", i, got[i], a.out[i])
		}
	}
}

func TestKnockoutWholeSequenceIsNaN(t *testing.T) {
	t.Parallel()
	a := randomAttention(t, rand.New(rand.NewPCG(3, 4)), 0)
	all := make([]int, a.seqLen)
	for j := range all {
		all[j] = j
	}
	got := make([]float64, a.heads*a.headDim)
	a.knockout(all, got)
	for i, x := range got {
		if !math.IsNaN(x) {
			t.Fatalf("element %d = %v, want NaN as a fully masked softmax gives", i, x)
		}
	}
}
