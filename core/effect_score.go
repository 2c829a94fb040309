package core

import (
	"math"

	"github.com/vlmask/vlmask/core/results"
)

// outputBaseline is a step's unblocked output at the final position, which
// every blocked output is scored against, in float64.
type outputBaseline struct {
	target int       // g: the step's greedy token
	logp   []float64 // log_softmax of the unblocked logits
	p      []float64 // their softmax
	normed []float64 // h: the final norm's output
	unit   []float64 // h / ‖h‖
}

func newOutputBaseline(logits, normed []float64, target int) *outputBaseline {
	b := &outputBaseline{target: target, logp: make([]float64, len(logits)), p: make([]float64, len(logits)), normed: normed}
	inv := 1 / logSoftmax(b.logp, logits, b.p)
	for i := range b.p {
		b.p[i] *= inv // as score computes p′, so that an unchanged output scores exactly 0
	}
	b.unit = unit(normed)
	return b
}

// logSoftmax writes log_softmax(z) into dst as (z − max) − log Σ exp(z −
// max), as PyTorch computes it; exps, when not nil, receives exp(z − max)
// and the sum is returned.
func logSoftmax(dst, z, exps []float64) float64 {
	peak := math.Inf(-1)
	for _, x := range z {
		if x > peak {
			peak = x
		}
	}
	var sum float64
	for i, x := range z {
		e := math.Exp(x - peak)
		if exps != nil {
			exps[i] = e
		}
		sum += e
	}
	logSum := math.Log(sum)
	for i, x := range z {
		dst[i] = (x - peak) - logSum
	}
	return sum
}

// unit is x / ‖x‖ (x itself when it is zero).
func unit(x []float64) []float64 {
	var ss float64
	for _, v := range x {
		ss += v * v
	}
	out := make([]float64, len(x))
	if ss == 0 {
		copy(out, x)
		return out
	}
	inv := 1 / math.Sqrt(ss)
	for i, v := range x {
		out[i] = v * inv
	}
	return out
}

// score measures a blocked output — logits z′ and normed hidden state h′ —
// against the baseline (the golden README's "Propagated knockout"), and
// returns the cosine distance of h′ to h as well (½‖ĥ − ĥ′‖², exactly 0 for
// identical vectors). exps holds len(z′) values of scratch. Three passes
// over the vocabulary: the peak, argmax and rank; the exponentials and
// their sum; the KL and TV terms, with log p′ = (z′ − peak) − log Σ as
// log_softmax computes it.
func (b *outputBaseline) score(z, normed, exps []float64) (results.Effect, float64) {
	g := b.target
	zg := z[g]
	peak, best, rank := z[0], 0, 0
	for i, x := range z {
		if x > peak {
			peak, best = x, i
		}
		if x > zg {
			rank++
		}
	}
	var sum float64
	for i, x := range z {
		e := math.Exp(x - peak)
		exps[i] = e
		sum += e
	}
	logSum, inv := math.Log(sum), 1/sum
	var kl, tv float64
	for i, lp := range b.logp {
		p := b.p[i]
		if p > 0 {
			kl += p * (lp - ((z[i] - peak) - logSum))
		}
		tv += math.Abs(p - exps[i]*inv)
	}
	var l2, cos float64
	u := unit(normed)
	for i, h := range b.normed {
		d := normed[i] - h
		l2 += d * d
		c := b.unit[i] - u[i]
		cos += c * c
	}
	return results.Effect{
		KL: kl, DLogP: ((zg - peak) - logSum) - b.logp[g], TV: tv / 2,
		ArgmaxChanged: best != g, Rank: rank, FinalHiddenL2: math.Sqrt(l2),
	}, cos / 2
}
