package core

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

func TestTopK(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 5))
	for trial := 0; trial < 200; trial++ {
		n := 1 + rng.IntN(50)
		logits := make([]float64, n)
		for i := range logits {
			logits[i] = float64(rng.IntN(8)) // many ties
		}
		k := 1 + rng.IntN(7)
		got := TopK(logits, k)
		// Reference: a stable sort by logit, descending.
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return logits[idx[a]] > logits[idx[b]] })
		var z float64
		for _, x := range logits {
			z += math.Exp(x - 7)
		}
		if len(got) != min(k, n) {
			t.Fatalf("%d candidates for k=%d, n=%d", len(got), k, n)
		}
		for i, c := range got {
			if c.ID != idx[i] {
				t.Fatalf("trial %d: rank %d is id %d, want %d (logits %v)", trial, i, c.ID, idx[i], logits)
			}
			want := math.Exp(logits[c.ID]-7) / z
			if math.Abs(c.Prob-want) > 1e-12 {
				t.Fatalf("prob %v, want %v", c.Prob, want)
			}
		}
		if got[0].ID != Argmax(logits) {
			t.Fatalf("top-1 %d, argmax %d", got[0].ID, Argmax(logits))
		}
	}
}
