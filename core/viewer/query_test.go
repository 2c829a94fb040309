package viewer

import (
	"errors"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/core/viewer/viewertest"
)

// writeShape writes s into a temporary directory and opens it.
func writeShape(t *testing.T, s viewertest.Shape) (*File, string) {
	t.Helper()
	p, err := viewertest.Write(filepath.Join(t.TempDir(), "r"), s)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, p
}

// valueOf reads column from a row as the viewer does.
func valueOf(r results.Row, column string, metrics []string) float64 {
	switch column {
	case results.ColumnL2Distance:
		return r.L2Distance
	case results.ColumnCosineDistance:
		return r.CosineDistance
	case results.ColumnAttentionWeight:
		if !r.HasAttentionWeight {
			return math.NaN()
		}
		return r.AttentionWeight
	}
	return r.Metrics[slices.Index(metrics, column)]
}

// checkAgainstRead compares every query answer over f with the rows
// results.Read returns for the same file.
func checkAgainstRead(t *testing.T, f *File, path string, queries []Query) {
	t.Helper()
	rows, meta, err := results.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		v, err := f.Values(q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		info, err := f.Step(q.Step)
		if err != nil {
			t.Fatal(err)
		}
		layers := q.Layers
		if layers == nil {
			layers = f.layers
		}
		want := make([]float64, len(v.Data))
		for i := range want {
			want[i] = math.NaN()
		}
		for _, r := range rows {
			li, vi := slices.Index(layers, r.Layer), slices.Index(q.Variants, r.Variant)
			if r.Step != q.Step || li < 0 || vi < 0 {
				continue
			}
			u := slices.IndexFunc(info.Units, func(u Unit) bool { return u.Position == r.TokenPosition && u.Label == r.GroupLabel })
			if u < 0 {
				t.Fatalf("%+v: row at position %d (%s) has no unit", q, r.TokenPosition, r.GroupLabel)
			}
			want[(li*len(q.Variants)+vi)*len(info.Units)+u] = valueOf(r, q.Value, meta.MetricColumns)
		}
		for i := range want {
			if math.Float64bits(want[i]) != math.Float64bits(v.Data[i]) && !(math.IsNaN(want[i]) && math.IsNaN(v.Data[i])) {
				t.Fatalf("%+v: value %d = %v, want %v", q, i, v.Data[i], want[i])
			}
		}
	}
}

func TestValuesMatchTheRows(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		shape   viewertest.Shape
		queries []Query
	}{
		"one image, small row groups": {
			shape: viewertest.Shape{Steps: 3, Layers: 4, Heads: 2, TextBefore: 3, TextAfter: 4, Images: [][2]int{{3, 5}}, RowGroupRows: 97},
			queries: []Query{
				{Step: 0, Layers: []int{2}, Variants: []string{"Full"}, Value: results.ColumnL2Distance},
				{Step: 2, Variants: []string{"Attn"}, Value: results.ColumnCosineDistance},
				{Step: 1, Layers: []int{3, 0}, Variants: []string{"Head_1", "Head_0"}, Value: results.ColumnL2Distance},
			},
		},
		"two images, attention weights, a metric": {
			shape: viewertest.Shape{Steps: 2, Layers: 3, Heads: 3, TextBefore: 2, TextAfter: 2, Images: [][2]int{{2, 3}, {4, 2}},
				AttentionWeights: true, Metrics: []string{"kl"}},
			queries: []Query{
				{Step: 1, Variants: []string{"AttentionWeight_Avg", "Full"}, Value: results.ColumnAttentionWeight},
				{Step: 0, Layers: []int{1}, Variants: []string{"Full", "Attn"}, Value: "kl"},
			},
		},
		"text only": {
			shape:   viewertest.Shape{Steps: 2, Layers: 2, TextBefore: 5},
			queries: []Query{{Step: 1, Variants: []string{"Full"}, Value: results.ColumnL2Distance}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, p := writeShape(t, tc.shape)
			checkAgainstRead(t, f, p, tc.queries)
			s := f.Summary()
			if len(s.Steps) != tc.shape.Steps || len(s.Layers) != tc.shape.Layers || !slices.Equal(s.Variants, tc.shape.Variants()) {
				t.Errorf("summary %+v", s)
			}
		})
	}
}

func TestStepUnitsAndGrids(t *testing.T) {
	t.Parallel()
	shape := viewertest.Shape{Steps: 2, Layers: 2, TextBefore: 2, TextAfter: 1, Images: [][2]int{{3, 5}, {2, 2}}}
	f, _ := writeShape(t, shape)
	info, err := f.Step(1)
	if err != nil {
		t.Fatal(err)
	}
	if want := shape.PromptLen() + 1; len(info.Units) != want {
		t.Fatalf("%d units, want %d", len(info.Units), want)
	}
	if want := []ImageGrid{{0, 3, 5}, {1, 2, 2}}; !slices.Equal(info.Grids, want) {
		t.Errorf("grids %v, want %v", info.Grids, want)
	}
	u := info.Units[2+2*5] // image 0, row 2, col 0
	if u.Image != 0 || u.Row != 2 || u.Col != 0 || u.Rows != 1 || u.Cols != 1 || u.Modality != results.ModalityImage {
		t.Errorf("unit %+v", u)
	}
	if info.Generated == nil || info.Generated.ID != 301 {
		t.Errorf("generated %+v, want id 301", info.Generated)
	}
	if _, err := f.Step(7); !errors.Is(err, ErrNotFound) {
		t.Errorf("step 7: %v, want ErrNotFound", err)
	}
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	f, _ := writeShape(t, viewertest.Shape{Steps: 1, Layers: 2, TextBefore: 3})
	tests := map[string]struct {
		q    Query
		want error
	}{
		"no step":     {Query{Step: 4, Variants: []string{"Full"}, Value: results.ColumnL2Distance}, ErrNotFound},
		"no layer":    {Query{Layers: []int{9}, Variants: []string{"Full"}, Value: results.ColumnL2Distance}, ErrNotFound},
		"no variant":  {Query{Variants: []string{"Head_9"}, Value: results.ColumnL2Distance}, ErrNotFound},
		"no variants": {Query{Value: results.ColumnL2Distance}, ErrBadRequest},
		"no column":   {Query{Variants: []string{"Full"}, Value: "token_masked"}, ErrNotFound},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := f.Values(tc.q); !errors.Is(err, tc.want) {
				t.Errorf("%v, want %v", err, tc.want)
			}
		})
	}
}
