package parallel

import (
	"sync/atomic"
	"testing"
)

func TestChunksCoverEachIndexOnce(t *testing.T) {
	for _, tc := range []struct{ n, minChunk int }{{0, 4}, {-1, 4}, {1, 4}, {3, 4}, {4, 4}, {5, 4}, {1000, 64}, {1047, 1}, {10, 0}} {
		seen := make([]atomic.Int32, max(tc.n, 0))
		Chunks(tc.n, tc.minChunk, func(lo, hi int) {
			if lo >= hi {
				t.Errorf("n=%d: empty chunk [%d,%d)", tc.n, lo, hi)
			}
			for i := lo; i < hi; i++ {
				seen[i].Add(1)
			}
		})
		for i := range seen {
			if c := seen[i].Load(); c != 1 {
				t.Fatalf("n=%d minChunk=%d: index %d done %d times", tc.n, tc.minChunk, i, c)
			}
		}
	}
}
