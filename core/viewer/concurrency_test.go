package viewer

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/core/viewer/viewertest"
)

// TestConcurrentQueries asks one File the same and different things from
// many goroutines at once, as the server's handlers do, with caches small
// enough to evict, and checks every answer against a serial one.
func TestConcurrentQueries(t *testing.T) {
	t.Parallel()
	f, _ := writeShape(t, viewertest.Shape{Steps: 4, Layers: 5, Heads: 3, TextBefore: 3, TextAfter: 2, Images: [][2]int{{3, 4}}, RowGroupRows: 300})
	f.results, f.layouts = newCache(8<<10), newCache(16<<10)
	var queries []Query
	for step := range 4 {
		queries = append(queries,
			Query{Step: step, Variants: []string{"Full"}, Value: results.ColumnL2Distance},
			Query{Step: step, Layers: []int{step}, Variants: []string{"Head_0", "Head_1", "Head_2"}, Value: results.ColumnCosineDistance})
	}
	want := make([]Values, len(queries))
	for i, q := range queries {
		v, err := f.Values(q)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = v
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				k := (g*7 + i) % len(queries)
				v, err := f.Values(queries[k])
				if err == nil {
					_, err = f.Step(queries[k].Step)
				}
				if err != nil {
					errs <- err
					return
				}
				for j, x := range v.Data {
					if math.Float64bits(x) != math.Float64bits(want[k].Data[j]) {
						errs <- fmt.Errorf("query %d value %d: %v, want %v", k, j, x, want[k].Data[j])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
