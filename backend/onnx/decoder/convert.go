package decoder

import "github.com/vlmask/vlmask/internal/parallel"

// convertChunk is the fewest values one goroutine converts: below it the
// goroutine costs more than it saves.
const convertChunk = 1 << 16

// convert sets dst[i] = D(src[i]) for every i, len(dst) == len(src), in
// chunks over the cores: a knockout layer's tail moves about ten million
// values each way, which one core converts no faster than the GPU computes
// them.
func convert[D, S float32 | float64](dst []D, src []S) {
	parallel.Chunks(len(src), convertChunk, func(lo, hi int) {
		d := dst[lo:hi]
		for i, x := range src[lo:hi] {
			d[i] = D(x)
		}
	})
}
