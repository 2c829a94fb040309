package metrics

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// parallel calls work(i) for every i in [0, n), spread over up to
// GOMAXPROCS goroutines; each i is done exactly once, and parallel returns
// when all are.
func parallel(n int, work func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for i := range n {
			work(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				work(i)
			}
		}()
	}
	wg.Wait()
}
