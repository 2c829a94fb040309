package viewer

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// writeRows writes rows as a results file and returns its path.
func writeRows(t *testing.T, rows []results.Row, metrics ...string) string {
	t.Helper()
	base := filepath.Join(t.TempDir(), "r")
	w, err := results.Create(base, results.Options{MetricColumns: metrics, RowGroupRows: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.SetProgress(1, true); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return base + ".parquet"
}

func row(step, layer, pos int, variant string, l2 float64) results.Row {
	return results.Row{Step: step, Layer: layer, TokenPosition: pos, TokenMasked: "x", Variant: variant, L2Distance: l2,
		Modality: results.ModalityText, ImageIndex: -1, PatchRow: -1, PatchCol: -1, GroupLabel: "x", GroupSize: 1}
}

// TestIrregularLayers checks a file whose layers do not repeat the same
// rows: each block is then read with its own token columns.
func TestIrregularLayers(t *testing.T) {
	t.Parallel()
	rows := []results.Row{
		row(0, 0, 0, "Full", 1), row(0, 0, 0, "Attn", 2), row(0, 0, 1, "Full", 3), row(0, 0, 1, "Attn", 4),
		// layer 1: position 1 first, and Attn before Full
		row(0, 1, 1, "Attn", 5), row(0, 1, 1, "Full", 6), row(0, 1, 0, "Attn", 7), row(0, 1, 0, "Full", 8),
	}
	p := writeRows(t, rows)
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checkAgainstRead(t, f, p, []Query{
		{Step: 0, Variants: []string{"Full", "Attn"}, Value: results.ColumnL2Distance},
		{Step: 0, Layers: []int{1}, Variants: []string{"Attn"}, Value: results.ColumnL2Distance},
	})
	if l, _ := f.stepLayout(0); l.regular {
		t.Error("layout taken as regular")
	}
}

// TestOutOfOrderRefused checks that a (step, layer) split in two runs of
// rows is refused rather than misread.
func TestOutOfOrderRefused(t *testing.T) {
	t.Parallel()
	p := writeRows(t, []results.Row{row(0, 0, 0, "Full", 1), row(0, 1, 0, "Full", 2), row(0, 0, 1, "Full", 3)})
	if _, err := Open(p); !errors.Is(err, ErrLayout) {
		t.Fatalf("Open: %v, want ErrLayout", err)
	}
}

// TestWindowGroups checks that a region-window strategy's groups cover the
// rectangles their labels name, and a group without a window label none.
func TestWindowGroups(t *testing.T) {
	t.Parallel()
	group := func(pos, size int, label, mod string) results.Row {
		r := row(0, 0, pos, "Full", float64(pos))
		r.TokenMasked, r.GroupLabel, r.GroupSize, r.TokenID, r.Modality = label, label, size, -1, mod
		if mod == results.ModalityImage {
			r.ImageIndex = 0
		}
		return r
	}
	rows := []results.Row{
		group(0, 3, "stopwords", results.ModalityText),
		group(4, 4, "img0 r0-1 c0-1", results.ModalityImage),
		group(6, 4, "img0 r0-1 c2-3", results.ModalityImage),
		group(12, 2, "img0 r2-2 c0-1", results.ModalityImage),
		group(14, 2, "img0 r2 c2-3", results.ModalityImage),
	}
	f, err := Open(writeRows(t, rows))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := f.Step(0)
	if err != nil {
		t.Fatal(err)
	}
	want := [][4]int{{-1, -1, 0, 0}, {0, 0, 2, 2}, {0, 2, 2, 2}, {2, 0, 1, 2}, {2, 2, 1, 2}}
	for i, u := range info.Units {
		if got := [4]int{u.Row, u.Col, u.Rows, u.Cols}; got != want[i] {
			t.Errorf("unit %d (%s): cells %v, want %v", i, u.Label, got, want[i])
		}
	}
	if len(info.Grids) != 1 || info.Grids[0].Rows != 3 || info.Grids[0].Cols != 4 {
		t.Errorf("grids %v, want one 3×4", info.Grids)
	}
}

func TestCellsOf(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		label                     string
		img, row, col, rows, cols int
		ok                        bool
	}{
		"token":        {"img0 r3 c5", 0, 3, 5, 1, 1, true},
		"window":       {"img1 r2-3 c4-7", 1, 2, 4, 2, 4, true},
		"backwards":    {"img0 r3-2 c0", 0, 0, 0, 0, 0, false},
		"other label":  {"stopwords", 0, 0, 0, 0, 0, false},
		"too wide":     {"img0 r0 c0-99999", 0, 0, 0, 0, 0, false},
		"trailing bit": {"img0 r1 c1 x", 0, 0, 0, 0, 0, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			img, r, c, rows, cols, ok := cellsOf(tc.label)
			if ok != tc.ok || (ok && [5]int{img, r, c, rows, cols} != [5]int{tc.img, tc.row, tc.col, tc.rows, tc.cols}) {
				t.Errorf("cellsOf(%q) = %d %d %d %d %d %t", tc.label, img, r, c, rows, cols, ok)
			}
		})
	}
}
