package results_test

import (
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// BenchmarkWrite measures rows written per second for each format, in
// batches the size of one layer of a small model's step.
func BenchmarkWrite(b *testing.B) {
	metrics := []string{"kl", "js"}
	batch := genRows(4096, len(metrics), 11)
	for _, tt := range []struct {
		name    string
		formats []results.Format
	}{
		{"parquet", []results.Format{results.FormatParquet}},
		{"csv", []results.Format{results.FormatCSV}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			w, err := results.Create(filepath.Join(b.TempDir(), "bench"), results.Options{Formats: tt.formats, MetricColumns: metrics})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = w.Abort() })
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := w.Write(batch); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
