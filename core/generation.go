package core

import "math"

// Candidate is one entry of a step's top-k: a token and its probability
// under the softmax over the whole vocabulary.
type Candidate struct {
	ID   int
	Prob float64
}

// TopK returns the k most likely tokens of logits, most likely first, with
// probabilities from the softmax over the full vocabulary (not over the k
// logits, the original tool's mistake). Ties go to the lower id, as
// torch.argmax does for the first. It makes one pass over the vocabulary,
// keeping the best k in a small sorted list.
func TopK(logits []float64, k int) []Candidate {
	if len(logits) == 0 || k <= 0 {
		return nil
	}
	k = min(k, len(logits))
	peak := math.Inf(-1)
	for _, x := range logits {
		peak = math.Max(peak, x)
	}
	var z float64
	best := make([]int, 0, k) // ids, best first
	for id, x := range logits {
		z += math.Exp(x - peak)
		if len(best) == k && x <= logits[best[k-1]] {
			continue
		}
		at := len(best)
		for at > 0 && x > logits[best[at-1]] {
			at--
		}
		if len(best) < k {
			best = append(best, 0)
		}
		copy(best[at+1:], best[at:len(best)-1])
		best[at] = id
	}
	out := make([]Candidate, k)
	for i, id := range best {
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
