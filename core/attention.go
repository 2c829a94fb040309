package core

import (
	"fmt"
	"math"
)

// attention is the final query row's attention at one layer, in float64:
// the softmax weights of every head over every key, the values, and the
// baseline head outputs. It computes knockouts without re-running the layer
// (docs/architecture.md, "The knockout math").
type attention struct {
	heads, kvHeads, headDim, seqLen int
	scores                          []float64 // [heads, seqLen] logits (scaled, masked)
	weights                         []float64 // [heads, seqLen] softmax of scores
	values                          []float64 // [kvHeads, seqLen, headDim]
	out                             []float64 // [heads, headDim] Σ_j w_j v_j
	kept                            []bool    // scratch: key j is outside the group
	sum, kw                         []float64 // scratch: [headDim], [seqLen]
}

// sinkMass is the group attention mass above which a knockout is computed
// from the kept keys directly (re-softmaxing their logits) instead of by
// removing the group's share from the baseline: 1 − mass loses precision as
// the mass nears 1, summing what is kept does not.
const sinkMass = 0.5

func newAttention(spec Spec, seqLen int, scores, values []float64) (*attention, error) {
	h, kv, hd := spec.NumHeads, spec.NumKVHeads, spec.HeadDim
	if len(scores) != h*seqLen || len(values) != kv*seqLen*hd {
		return nil, fmt.Errorf("layer probe: %d scores and %d values for %d heads, %d kv heads, %d keys of %d",
			len(scores), len(values), h, kv, seqLen, hd)
	}
	a := &attention{
		heads: h, kvHeads: kv, headDim: hd, seqLen: seqLen,
		scores: scores, values: values,
		weights: make([]float64, h*seqLen),
		out:     make([]float64, h*hd),
		kept:    make([]bool, seqLen),
		sum:     make([]float64, hd),
		kw:      make([]float64, seqLen),
	}
	for head := 0; head < h; head++ {
		row := scores[head*seqLen : (head+1)*seqLen]
		w := a.weights[head*seqLen : (head+1)*seqLen]
		softmaxInto(w, row, nil)
		o := a.out[head*hd : (head+1)*hd]
		for j, wj := range w {
			if wj == 0 {
				continue
			}
			v := a.value(head, j)
			for k := range o {
				o[k] += wj * v[k]
			}
		}
	}
	return a, nil
}

// softmaxInto writes the softmax of logits into dst, over the entries where
// keep is nil or true (the others get 0). All-excluded or all −inf rows give
// NaN, as PyTorch's softmax over a fully masked row does.
func softmaxInto(dst, logits []float64, keep []bool) {
	peak := math.Inf(-1)
	for j, x := range logits {
		if (keep == nil || keep[j]) && x > peak {
			peak = x
		}
	}
	var sum float64
	for j, x := range logits {
		if keep != nil && !keep[j] || math.IsInf(peak, -1) {
			dst[j] = 0
			continue
		}
		e := math.Exp(x - peak)
		dst[j] = e
		sum += e
	}
	for j := range dst {
		if sum == 0 {
			dst[j] = math.NaN()
			continue
		}
		dst[j] /= sum
	}
}

// value is key j's value vector as head h reads it (grouped-query
// attention: head h uses KV head h / (heads / kvHeads)).
func (a *attention) value(h, j int) []float64 {
	kv := h / (a.heads / a.kvHeads)
	off := (kv*a.seqLen + j) * a.headDim
	return a.values[off : off+a.headDim]
}

// weight is head h's baseline weight on key j.
func (a *attention) weight(h, j int) float64 { return a.weights[h*a.seqLen+j] }

// mass is the baseline attention head h puts on the group.
func (a *attention) mass(h int, group []int) float64 {
	var m float64
	for _, j := range group {
		m += a.weight(h, j)
	}
	return m
}

// knockout writes into dst [heads·headDim] every head's output with the
// group's keys removed from the final query's attention.
//
// For a group holding less than sinkMass of a head's attention it uses
// o' = o + (m·o − s)/(1 − m), with m the group's mass and s = Σ_{j∈G} w_j v_j,
// which costs O(|G|) and keeps o' − o accurate however small the effect.
// Otherwise it re-softmaxes the kept logits and sums the kept values,
// O(seqLen), exact near attention sinks.
func (a *attention) knockout(group []int, dst []float64) {
	hd := a.headDim
	for h := 0; h < a.heads; h++ {
		o := a.out[h*hd : (h+1)*hd]
		d := dst[h*hd : (h+1)*hd]
		m := a.mass(h, group)
		if m < sinkMass {
			s := a.sum
			clear(s)
			for _, j := range group {
				w := a.weight(h, j)
				for k, v := range a.value(h, j) {
					s[k] += w * v
				}
			}
			keep := 1 - m
			for k := range d {
				d[k] = o[k] + (m*o[k]-s[k])/keep
			}
			continue
		}
		a.keptOnly(h, group, d)
	}
}

// withScratch returns a copy of a that shares its read-only tables and
// has scratch buffers of its own, so several goroutines can knock out
// different groups at once.
func (a *attention) withScratch() *attention {
	b := *a
	b.kept = make([]bool, a.seqLen)
	b.sum = make([]float64, a.headDim)
	b.kw = make([]float64, a.seqLen)
	return &b
}

// keptOnly computes head h's output over the keys outside the group from
// the logits, re-normalized.
func (a *attention) keptOnly(h int, group []int, dst []float64) {
	for j := range a.kept {
		a.kept[j] = true
	}
	for _, j := range group {
		a.kept[j] = false
	}
	w := a.kw
	softmaxInto(w, a.scores[h*a.seqLen:(h+1)*a.seqLen], a.kept)
	for k := range dst {
		dst[k] = 0
	}
	for j, wj := range w {
		if wj == 0 {
			continue
		}
		if math.IsNaN(wj) {
			for k := range dst {
				dst[k] = math.NaN()
			}
			return
		}
		for k, v := range a.value(h, j) {
			dst[k] += wj * v
		}
	}
}
