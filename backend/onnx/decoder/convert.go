package decoder

import (
	"runtime"
	"sync"
)

// convertChunk is the fewest values one goroutine converts: below it the
// goroutine costs more than it saves.
const convertChunk = 1 << 16

// convert sets dst[i] = D(src[i]) for every i, len(dst) == len(src), in
// chunks over up to GOMAXPROCS goroutines: a knockout layer's tail moves
// about ten million values each way, which one core converts no faster
// than the GPU computes them.
func convert[D, S float32 | float64](dst []D, src []S) {
	n := len(src)
	workers := min(runtime.GOMAXPROCS(0), (n+convertChunk-1)/convertChunk)
	if workers <= 1 {
		for i, x := range src {
			dst[i] = D(x)
		}
		return
	}
	per := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		wg.Add(1)
		go func(d []D, s []S) {
			defer wg.Done()
			for i, x := range s {
				d[i] = D(x)
			}
		}(dst[lo:hi], src[lo:hi])
	}
	wg.Wait()
}
