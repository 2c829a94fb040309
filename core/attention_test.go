package core

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// rawAttention is what a test gives newAttention: the final query row's
// logits per head and the value vectors per KV head, kept so that the
// reference below reads the inputs, never the code under test.
type rawAttention struct {
	heads, kvHeads, headDim, seqLen int
	scores                          []float64 // [heads, seqLen]
	values                          []float64 // [kvHeads, seqLen, headDim]
}

// bruteKnockout is the definition, written without any helper of the
// package: for each head, the weights are exp(s_j − s_max) over the keys
// outside the group, divided by their sum (the maximum taken over the kept
// keys only, so a knocked-out sink does not underflow the rest), and the
// output is the weighted sum of the kept keys' values, read from the KV
// head that head h shares (GQA).
func bruteKnockout(r rawAttention, group []int) []float64 {
	out := make([]float64, r.heads*r.headDim)
	removed := map[int]bool{}
	for _, j := range group {
		removed[j] = true
	}
	perKV := r.heads / r.kvHeads
	for h := 0; h < r.heads; h++ {
		logits := r.scores[h*r.seqLen : (h+1)*r.seqLen]
		peak := math.Inf(-1)
		for j, s := range logits {
			if !removed[j] && s > peak {
				peak = s
			}
		}
		var total float64
		num := make([]float64, r.headDim)
		for j, s := range logits {
			if removed[j] {
				continue
			}
			e := math.Exp(s - peak)
			total += e
			v := r.values[((h/perKV)*r.seqLen+j)*r.headDim:]
			for k := 0; k < r.headDim; k++ {
				num[k] += e * v[k]
			}
		}
		for k := range num {
			out[h*r.headDim+k] = num[k] / total
		}
	}
	return out
}

func randomAttention(t *testing.T, rng *rand.Rand, sinkLogit float64) (*attention, rawAttention) {
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
	raw := rawAttention{heads: spec.NumHeads, kvHeads: spec.NumKVHeads, headDim: spec.HeadDim, seqLen: seq,
		scores: slices.Clone(scores), values: slices.Clone(values)}
	a, err := newAttention(spec, seq, scores, values)
	if err != nil {
		t.Fatal(err)
	}
	return a, raw
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
				a, raw := randomAttention(t, rng, tc.sink)
				size := tc.groupSize(rng, a.seqLen)
				group := rng.Perm(a.seqLen)[:size]
				if tc.sink != 0 && trial%2 == 0 {
					group[0] = 0 // knock the sink out
				}
				got := make([]float64, a.heads*a.headDim)
				a.knockout(group, got)
				want := bruteKnockout(raw, group)
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
	a, _ := randomAttention(t, rand.New(rand.NewPCG(1, 2)), 0)
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
	a, _ := randomAttention(t, rand.New(rand.NewPCG(3, 4)), 0)
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
