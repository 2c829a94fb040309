package metrics_test

import (
	"math"
	"testing"

	"github.com/vlmask/vlmask/plugins/metrics"
)

func TestDistances(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		b, m       []float64
		l2, cosine float64
	}{
		"identical": {b: []float64{1, 2, 3}, m: []float64{1, 2, 3}, l2: 0, cosine: 0},
		// 1 − Σ(b_i/‖b‖)² is 2.2e-16 here, not 0.
		"identical, rounding": {b: []float64{0.1, 0.7, 0.9}, m: []float64{0.1, 0.7, 0.9}, l2: 0, cosine: 0},
		"orthogonal":          {b: []float64{1, 0}, m: []float64{0, 2}, l2: math.Sqrt(5), cosine: 1},
		"opposite":            {b: []float64{1, -2}, m: []float64{-1, 2}, l2: 2 * math.Sqrt(5), cosine: 2},
		"scaled":              {b: []float64{3, 4}, m: []float64{6, 8}, l2: 5, cosine: 0},
		"zero vs nonzero":     {b: []float64{0, 0}, m: []float64{1, 0}, l2: 1, cosine: 1},
		// PyTorch clamps each norm to eps on its own: (1e-9/1e-8)² = 0.01.
		// Clamping the product of the norms instead would give 1 − 1e-10.
		"both below eps": {b: []float64{1e-9, 0}, m: []float64{1e-9, 0}, l2: 0, cosine: 0.99},
		"one below eps":  {b: []float64{1e-9, 0}, m: []float64{5, 0}, l2: 5 - 1e-9, cosine: 0.9},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := metrics.L2Distance(tc.b, tc.m); math.Abs(got-tc.l2) > 1e-12*max(1, tc.l2) {
				t.Errorf("L2Distance = %.17g, want %.17g", got, tc.l2)
			}
			got := metrics.CosineDistance(tc.b, tc.m)
			if tc.cosine == 0 && tc.l2 == 0 && got != 0 {
				t.Errorf("CosineDistance of identical vectors = %g, want exactly 0", got)
			}
			if math.Abs(got-tc.cosine) > 1e-7 {
				t.Errorf("CosineDistance = %.17g, want %.17g", got, tc.cosine)
			}
		})
	}
}

func TestDistancesPropagateNaN(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	if d := metrics.L2Distance([]float64{1, nan}, []float64{1, 1}); !math.IsNaN(d) {
		t.Errorf("L2Distance with NaN = %v", d)
	}
	if d := metrics.CosineDistance([]float64{1, nan}, []float64{1, 1}); !math.IsNaN(d) {
		t.Errorf("CosineDistance with NaN = %v", d)
	}
}
