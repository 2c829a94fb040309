package decoder

import (
	"math"
	"testing"
)

func TestConvert(t *testing.T) {
	for _, n := range []int{0, 1, convertChunk - 1, convertChunk, 3*convertChunk + 7} {
		src := make([]float64, n)
		for i := range src {
			src[i] = math.Sin(float64(i)) * 1e3
		}
		dst := make([]float32, n)
		convert(dst, src)
		for i, x := range src {
			if dst[i] != float32(x) {
				t.Fatalf("n=%d: dst[%d] = %v, want %v", n, i, dst[i], float32(x))
			}
		}
		back := make([]float64, n)
		convert(back, dst)
		for i, x := range dst {
			if back[i] != float64(x) {
				t.Fatalf("n=%d: back[%d] = %v, want %v", n, i, back[i], float64(x))
			}
		}
	}
}
