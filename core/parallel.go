package core

import (
	"runtime"
	"sync"
)

// knockoutChunk is the fewest groups one goroutine knocks out: each costs
// about heads × headDim multiply-adds, so fewer would not pay for the
// goroutine.
const knockoutChunk = 64

// forEachChunk splits [0, n) into contiguous chunks of at least minChunk
// and calls work on each, over up to GOMAXPROCS goroutines, returning when
// every chunk is done. Chunks are disjoint, so work may write to
// per-index outputs without locking.
func forEachChunk(n, minChunk int, work func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), (n+minChunk-1)/minChunk)
	if workers <= 1 {
		if n > 0 {
			work(0, n)
		}
		return
	}
	per := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += per {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			work(lo, hi)
		}(lo, min(lo+per, n))
	}
	wg.Wait()
}
