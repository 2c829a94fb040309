package results_test

import (
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// TestStreamingMemoryIsFlat writes millions of rows and checks that the
// heap does not grow with the row count: once the first row groups have
// gone to the file, the heap after GC stays within a fixed margin of its
// level then, and under a fixed ceiling. If the writer kept its encoded
// pages for the whole file (one endless row group), 3 M rows would add
// about 100 MB.
func TestStreamingMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes millions of rows; skipped with -short")
	}
	const (
		batchRows  = 4096
		sampleRows = 256 * 1024
		growthMax  = 16 << 20 // allowed growth after the warm-up
		ceiling    = 96 << 20
	)
	totalRows := 3_000_000
	if raceEnabled {
		totalRows = 1_000_000 // the race detector makes each row ~10x slower
	}
	metrics := []string{"kl", "js"}
	batch := genRows(batchRows, len(metrics), 17)
	w, err := results.Create(filepath.Join(t.TempDir(), "big"), results.Options{MetricColumns: metrics})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Abort() })

	warmUp := 2 * results.DefaultRowGroupRows // two row groups written out
	var baseline, peak uint64
	written, nextSample := 0, warmUp
	rnd := rand.New(rand.NewPCG(1, 2))
	for step := 0; written < totalRows; step++ {
		// Fresh random doubles in every batch: repeated values would
		// compress so well that a writer holding every page would hide.
		for i := range batch {
			r := &batch[i]
			r.Step = step
			r.L2Distance, r.CosineDistance = rnd.Float64(), rnd.Float64()
			for k := range r.Metrics {
				r.Metrics[k] = rnd.NormFloat64()
			}
		}
		if err := w.Write(batch); err != nil {
			t.Fatal(err)
		}
		written += len(batch)
		if written < nextSample {
			continue
		}
		nextSample += sampleRows
		h := heapInUse()
		if baseline == 0 {
			baseline = h
		}
		peak = max(peak, h)
		if h > ceiling {
			t.Fatalf("heap in use %d MiB after %d rows, over the %d MiB ceiling", h>>20, written, ceiling>>20)
		}
	}
	if err := w.SetProgress(1, true); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rows: heap in use after warm-up %d MiB, peak %d MiB", written, baseline>>20, peak>>20)
	if peak > baseline+growthMax {
		t.Errorf("heap grew from %d MiB to %d MiB while writing %d rows; want under %d MiB of growth", baseline>>20, peak>>20, written, growthMax>>20)
	}
	if w.Rows() != int64(written) {
		t.Errorf("Rows() = %d, want %d", w.Rows(), written)
	}
	meta, err := results.ReadMeta(w.Paths()[0])
	if err != nil {
		t.Fatal(err)
	}
	if meta.Rows != int64(written) {
		t.Errorf("file records %d rows, want %d", meta.Rows, written)
	}
}
