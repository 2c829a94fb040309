package results_test

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// TestTableReadsWhatReadReads reads every column over several row ranges
// with a Table and compares with Read: across row-group boundaries, with
// nulls, special floats, metric columns, and string pages that fell back
// from dictionary to PLAIN encoding.
func TestTableReadsWhatReadReads(t *testing.T) {
	t.Parallel()
	longLabels := genRows(3000, 0, 3)
	for i := range longLabels {
		longLabels[i].GroupLabel = fmt.Sprintf("%d %s", i, strings.Repeat("label ", 100)) // ~600 KB past the dictionary limit
	}
	tests := map[string]struct {
		rows []results.Row
		opts results.Options
	}{
		"small row groups": {rows: genRows(5000, 2, 1), opts: results.Options{MetricColumns: []string{"m0", "m1"}, RowGroupRows: 777}},
		"one row group":    {rows: genRows(2000, 0, 2)},
		"plain strings":    {rows: longLabels},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := writeRows(t, filepath.Join(t.TempDir(), "r"), tc.opts, tc.rows, 999)[0]
			tb, err := results.OpenTable(p)
			if err != nil {
				t.Fatal(err)
			}
			defer tb.Close()
			want, meta, err := results.Read(p)
			if err != nil {
				t.Fatal(err)
			}
			if tb.NumRows() != int64(len(want)) || len(tb.Meta().MetricColumns) != len(meta.MetricColumns) {
				t.Fatalf("table: %d rows, %v metrics; Read: %d, %v", tb.NumRows(), tb.Meta().MetricColumns, len(want), meta.MetricColumns)
			}
			n := int64(len(want))
			for _, r := range [][2]int64{{0, n}, {0, 0}, {n, n}, {1, 2}, {776, 779}, {n/2 - 333, min(n, n/2+1234)}, {n - 1, n}} {
				checkTableRange(t, tb, want, meta, r[0], r[1])
			}
		})
	}
}

func checkTableRange(t *testing.T, tb *results.Table, want []results.Row, meta results.Meta, from, to int64) {
	t.Helper()
	syms := results.NewSymbols()
	ints := map[string]func(results.Row) int{
		results.ColumnGenerationStep: func(r results.Row) int { return r.Step },
		results.ColumnLayer:          func(r results.Row) int { return r.Layer },
		results.ColumnTokenPosition:  func(r results.Row) int { return r.TokenPosition },
		results.ColumnTokenID:        func(r results.Row) int { return r.TokenID },
		results.ColumnImageIndex:     func(r results.Row) int { return r.ImageIndex },
		results.ColumnPatchRow:       func(r results.Row) int { return r.PatchRow },
		results.ColumnPatchCol:       func(r results.Row) int { return r.PatchCol },
		results.ColumnGroupSize:      func(r results.Row) int { return r.GroupSize },
	}
	for col, get := range ints {
		got, err := tb.Int64s(col, from, to, nil)
		if err != nil {
			t.Fatalf("%s [%d,%d): %v", col, from, to, err)
		}
		for i, v := range got {
			if w := get(want[from+int64(i)]); int(v) != w {
				t.Fatalf("%s row %d: %d, want %d", col, from+int64(i), v, w)
			}
		}
		if int64(len(got)) != to-from {
			t.Fatalf("%s [%d,%d): %d values", col, from, to, len(got))
		}
	}
	strs := map[string]func(results.Row) string{
		results.ColumnTokenMasked: func(r results.Row) string { return r.TokenMasked },
		results.ColumnVariant:     func(r results.Row) string { return r.Variant },
		results.ColumnModality:    func(r results.Row) string { return r.Modality },
		results.ColumnGroupLabel:  func(r results.Row) string { return r.GroupLabel },
		results.ColumnPromptName:  func(r results.Row) string { return r.PromptName },
	}
	for col, get := range strs {
		got, err := tb.Strings(col, from, to, syms, nil)
		if err != nil {
			t.Fatalf("%s [%d,%d): %v", col, from, to, err)
		}
		for i, v := range got {
			if w := get(want[from+int64(i)]); syms.Name(v) != w {
				t.Fatalf("%s row %d: %q, want %q", col, from+int64(i), syms.Name(v), w)
			}
		}
	}
	floats := map[string]func(results.Row) float64{
		results.ColumnL2Distance:     func(r results.Row) float64 { return r.L2Distance },
		results.ColumnCosineDistance: func(r results.Row) float64 { return r.CosineDistance },
		results.ColumnAttentionWeight: func(r results.Row) float64 {
			if !r.HasAttentionWeight {
				return math.NaN()
			}
			return r.AttentionWeight
		},
	}
	for k, m := range meta.MetricColumns {
		floats[m] = func(r results.Row) float64 { return r.Metrics[k] }
	}
	for col, get := range floats {
		got, err := tb.Float64s(col, from, to, nil)
		if err != nil {
			t.Fatalf("%s [%d,%d): %v", col, from, to, err)
		}
		for i, v := range got {
			if w := get(want[from+int64(i)]); !sameFloat(v, w) {
				t.Fatalf("%s row %d: %v, want %v", col, from+int64(i), v, w)
			}
		}
	}
}

func TestTableErrors(t *testing.T) {
	t.Parallel()
	p := writeRows(t, filepath.Join(t.TempDir(), "r"), results.Options{}, genRows(50, 0, 4), 50)[0]
	tb, err := results.OpenTable(p)
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	if _, err := tb.Int64s("nope", 0, 1, nil); !errors.Is(err, results.ErrColumn) {
		t.Errorf("unknown column: %v", err)
	}
	if _, err := tb.Float64s(results.ColumnLayer, 0, 1, nil); !errors.Is(err, results.ErrColumn) {
		t.Errorf("INT64 column read as DOUBLE: %v", err)
	}
	for _, r := range [][2]int64{{-1, 2}, {3, 2}, {0, 51}} {
		if _, err := tb.Int64s(results.ColumnLayer, r[0], r[1], nil); !errors.Is(err, results.ErrRange) {
			t.Errorf("rows %v: %v", r, err)
		}
	}
	if starts := tb.RowGroupStarts(); len(starts) != 2 || starts[0] != 0 || starts[1] != 50 {
		t.Errorf("row group starts %v", starts)
	}
	if _, err := results.OpenTable(filepath.Join(t.TempDir(), "missing.parquet")); err == nil {
		t.Error("OpenTable of a missing file succeeded")
	}
}
