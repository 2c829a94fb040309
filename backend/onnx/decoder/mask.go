package decoder

import "math"

// mask is the additive attention mask of queries first..total−1 over keys
// 0..total−1: 0 where the query sees the key, −inf elsewhere. A query sees
// the keys not after it — within window of it when window is positive —
// and, with bidirectional images, every token of its own image.
func (s *sequence) mask(first, total, window int) []float64 {
	n := total - first
	mask := make([]float64, n*total)
	bidi := s.m.spec.BidirectionalImages
	for i := 0; i < n; i++ {
		q := first + i
		row := mask[i*total : (i+1)*total]
		for j := range row {
			seen := j <= q && (window <= 0 || q-j < window)
			if !seen && bidi && q < len(s.imageOf) && j < len(s.imageOf) && s.imageOf[q] >= 0 && s.imageOf[q] == s.imageOf[j] {
				seen = true
			}
			if !seen {
				row[j] = math.Inf(-1)
			}
		}
	}
	return mask
}
