package parallel

import (
	"runtime"
	"sync"
)

// Chunks splits [0, n) into contiguous chunks of at least minChunk indexes
// (minChunk < 1 counts as 1) and calls work on each, over up to GOMAXPROCS
// goroutines, returning when every chunk is done. Chunks are disjoint, so
// work may write per-index outputs without locking. n ≤ 0 calls nothing.
func Chunks(n, minChunk int, work func(lo, hi int)) {
	if n <= 0 {
		return
	}
	minChunk = max(minChunk, 1)
	workers := min(runtime.GOMAXPROCS(0), (n+minChunk-1)/minChunk)
	if workers <= 1 {
		work(0, n)
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
