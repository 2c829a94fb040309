package metrics

import "math"

// CosineEps is PyTorch's default eps for cosine_similarity.
const CosineEps = 1e-8

// L2Distance returns ‖m − b‖₂, in float64. The vectors must have the same
// length.
func L2Distance(b, m []float64) float64 {
	var sum float64
	for i := range b {
		d := m[i] - b[i]
		sum += d * d
	}
	return math.Sqrt(sum)
}

// CosineDistance returns 1 − cos(b, m) in float64 with PyTorch's
// cosine_similarity semantics: max(‖b‖, eps) and max(‖m‖, eps) are
// clamped separately, and cos = Σ (b_i/‖b‖)(m_i/‖m‖). A zero vector
// therefore has cosine 0 (distance 1) with anything.
//
// When neither norm is clamped both quotients are unit vectors and
// 1 − cos = ½‖b/‖b‖ − m/‖m‖‖², which is how it is computed then: the
// distance of a vector to itself is exactly 0 (a key the final query
// never attends, outside a sliding window, leaves the vectors unchanged,
// and its rows read 0 as the reference writes them), and a tiny distance
// does not drown in the rounding of 1 − (a sum near 1).
func CosineDistance(b, m []float64) float64 {
	var nb, nm float64
	for i := range b {
		nb += b[i] * b[i]
		nm += m[i] * m[i]
	}
	nb, nm = math.Sqrt(nb), math.Sqrt(nm)
	if nb >= CosineEps && nm >= CosineEps {
		var d2 float64
		for i := range b {
			d := b[i]/nb - m[i]/nm
			d2 += d * d
		}
		return d2 / 2
	}
	nb = max(nb, CosineEps)
	nm = max(nm, CosineEps)
	var cos float64
	for i := range b {
		cos += (b[i] / nb) * (m[i] / nm)
	}
	return 1 - cos
}
