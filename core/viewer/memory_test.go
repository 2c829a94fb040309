package viewer

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/core/viewer/viewertest"
)

// Memory bounds for TestBoundedMemoryOn10MRows. The file holds about 10.5
// million rows (116 MB of Parquet; as row structs it would take about
// 2 GB): what the viewer keeps must stay near its caches' limits.
const (
	maxRetainedBytes = 128 << 20 // live heap after a GC (the caches hold at most 96 MB)
	maxHeapBytes     = 256 << 20 // heap in use, garbage included, at any sample
)

// TestBoundedMemoryOn10MRows opens a 10-million-row file and asks what a
// browsing session asks (every step's matrix, every layer's slice, a
// layer's heads), checking the heap after each.
func TestBoundedMemoryOn10MRows(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("writes a 10-million-row file (about 10 s; minutes under the race detector); run without -short or -race")
	}
	shape := viewertest.TenMillion()
	p, err := viewertest.Write(filepath.Join(t.TempDir(), "big"), shape)
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak, retained uint64
	sample := func(gc bool) {
		if gc {
			runtime.GC()
		}
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc-min(base, ms.HeapAlloc))
		if gc {
			retained = max(retained, ms.HeapAlloc-min(base, ms.HeapAlloc))
		}
	}
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sample(true)
	variants := shape.Variants()
	for _, step := range f.steps {
		if _, err := f.Values(Query{Step: step, Variants: []string{"Full"}, Value: results.ColumnL2Distance}); err != nil {
			t.Fatal(err)
		}
		sample(false)
		for _, layer := range f.layers[step%3:] {
			if layer%3 != step%3 {
				continue
			}
			v := variants[(step+layer)%len(variants)]
			if _, err := f.Values(Query{Step: step, Layers: []int{layer}, Variants: []string{v}, Value: results.ColumnCosineDistance}); err != nil {
				t.Fatal(err)
			}
		}
		sample(false)
		if _, err := f.Values(Query{Step: step, Layers: []int{step}, Variants: variants[2:34], Value: results.ColumnL2Distance}); err != nil {
			t.Fatal(err)
		}
		sample(true)
	}
	t.Logf("%d rows: peak heap %.1f MB, retained %.1f MB, caches %.1f MB", f.meta.Rows,
		float64(peak)/(1<<20), float64(retained)/(1<<20), float64(f.results.size()+f.layouts.size())/(1<<20))
	if retained > maxRetainedBytes || peak > maxHeapBytes {
		t.Errorf("retained %d MB (limit %d), peak %d MB (limit %d)", retained>>20, maxRetainedBytes>>20, peak>>20, maxHeapBytes>>20)
	}
}
