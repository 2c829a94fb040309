package core

import (
	"math"
	"sort"
)

// Candidate is one entry of a step's top-k: a token and its probability
// under the softmax over the whole vocabulary.
type Candidate struct {
	ID   int
	Prob float64
}

// TopK returns the k most likely tokens of logits, most likely first, with
// probabilities from the softmax over the full vocabulary (not over the k
// logits, the original tool's mistake). Ties go to the lower id, as
// torch.argmax does for the first.
func TopK(logits []float64, k int) []Candidate {
	if len(logits) == 0 || k <= 0 {
		return nil
	}
	peak := math.Inf(-1)
	for _, x := range logits {
		peak = math.Max(peak, x)
	}
	var z float64
	for _, x := range logits {
		z += math.Exp(x - peak)
	}
	idx := make([]int, len(logits))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return logits[idx[a]] > logits[idx[b]] })
	k = min(k, len(idx))
	out := make([]Candidate, k)
	for i := range out {
		id := idx[i]
		out[i] = Candidate{ID: id, Prob: math.Exp(logits[id]-peak) / z}
	}
	return out
}

// Argmax is the greedy choice: the first index of the largest logit.
func Argmax(logits []float64) int {
	best := 0
	for i, x := range logits {
		if x > logits[best] {
			best = i
		}
	}
	return best
}
