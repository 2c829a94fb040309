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
	logSoftmax(b.logp, logits, nil)
	for i, x := range b.logp {
		b.p[i] = math.Exp(x)
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
		peak = math.Max(peak, x)
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
// identical vectors). scratch and exps hold len(z′) values each.
func (b *outputBaseline) score(z, normed, scratch, exps []float64) (results.Effect, float64) {
	logp := scratch
	sum := logSoftmax(logp, z, exps)
	var kl, tv float64
	for i, lp := range b.logp {
		if p := b.p[i]; p > 0 {
			kl += p * (lp - logp[i])
		}
		tv += math.Abs(b.p[i] - exps[i]/sum)
	}
	g := b.target
	rank := 0
	for _, x := range z {
		if x > z[g] {
			rank++
		}
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
		KL: kl, DLogP: logp[g] - b.logp[g], TV: tv / 2,
		ArgmaxChanged: Argmax(z) != g, Rank: rank, FinalHiddenL2: math.Sqrt(l2),
	}, cos / 2
}
