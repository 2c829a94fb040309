package metrics

import "math"

// CosineEps is PyTorch's default eps for cosine_similarity.
const CosineEps = 1e-8

// Baseline is an unmasked vector with its norm, computed once, against
// which any number of masked vectors are scored.
type Baseline struct {
	v    []float64
	norm float64 // ‖v‖₂, unclamped
}

// NewBaseline prepares b for scoring; b is read, not copied, and must not
// change while the Baseline is in use.
func NewBaseline(b []float64) Baseline {
	var s float64
	for _, x := range b {
		s += x * x
	}
	return Baseline{v: b, norm: math.Sqrt(s)}
}

// Distances returns ‖m − b‖₂ and 1 − cos(b, m) in float64, m of the
// baseline's length.
//
// The cosine has PyTorch's cosine_similarity semantics: max(‖b‖, eps) and
// max(‖m‖, eps) are clamped separately, and cos = Σ (b_i/‖b‖)(m_i/‖m‖). A
// zero vector therefore has cosine 0 (distance 1) with anything.
//
// When neither norm is clamped both quotients are unit vectors and
// 1 − cos = ½‖b/‖b‖ − m/‖m‖‖², which is how it is computed then (each
// vector scaled by the reciprocal of its norm): the distance of a vector
// to itself is exactly 0 (a key the final query never attends, outside a
// sliding window, leaves the vectors unchanged, and its rows read 0 as the
// reference writes them), and a tiny distance does not drown in the
// rounding of 1 − (a sum near 1).
func (b Baseline) Distances(m []float64) (l2, cosine float64) {
	v := b.v[:len(m)]
	var d2, mm float64
	for i, x := range m {
		d := x - v[i]
		d2 += d * d
		mm += x * x
	}
	l2 = math.Sqrt(d2)
	nb, nm := b.norm, math.Sqrt(mm)
	if nb >= CosineEps && nm >= CosineEps {
		ib, im := 1/nb, 1/nm
		var u2 float64
		for i, x := range m {
			d := v[i]*ib - x*im
			u2 += d * d
		}
		return l2, u2 / 2
	}
	ib, im := 1/max(nb, CosineEps), 1/max(nm, CosineEps)
	var cos float64
	for i, x := range m {
		cos += (v[i] * ib) * (x * im)
	}
	return l2, 1 - cos
}

// L2Distance returns ‖m − b‖₂, in float64. The vectors must have the same
// length.
func L2Distance(b, m []float64) float64 {
	l2, _ := NewBaseline(b).Distances(m)
	return l2
}

// CosineDistance returns 1 − cos(b, m) in float64, as Baseline.Distances
// computes it. The vectors must have the same length.
func CosineDistance(b, m []float64) float64 {
	_, cos := NewBaseline(b).Distances(m)
	return cos
}
