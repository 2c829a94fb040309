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
func CosineDistance(b, m []float64) float64 {
	var nb, nm float64
	for i := range b {
		nb += b[i] * b[i]
		nm += m[i] * m[i]
	}
	nb = max(math.Sqrt(nb), CosineEps)
	nm = max(math.Sqrt(nm), CosineEps)
	var cos float64
	for i := range b {
		cos += (b[i] / nb) * (m[i] / nm)
	}
	return 1 - cos
}
