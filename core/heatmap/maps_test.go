package heatmap

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// imageRow is a single-token image row.
func imageRow(step, layer, image, row, col int, variant string, l2 float64) results.Row {
	return results.Row{Step: step, Layer: layer, Variant: variant, L2Distance: l2, CosineDistance: l2 / 10,
		Modality: results.ModalityImage, ImageIndex: image, PatchRow: row, PatchCol: col, GroupSize: 1, TokenID: 5,
		Metrics: []float64{l2 * 100}}
}

// effectRow is a propagated-knockout row of one image token.
func effectRow(step, layer, row, col int, kl float64) results.Row {
	r := imageRow(step, layer, 0, row, col, "Effect_W1", 0)
	r.Effect = &results.Effect{KL: kl, DLogP: -kl}
	return r
}

func TestBuild(t *testing.T) {
	rows := []results.Row{
		{Step: 0, Layer: 0, Variant: "Full", L2Distance: 99, Modality: results.ModalityText, ImageIndex: -1, PatchRow: -1, PatchCol: -1, GroupSize: 1},
		imageRow(0, 0, 0, 0, 0, "Full", 1),
		imageRow(0, 0, 0, 0, 1, "Full", 2),
		imageRow(0, 0, 0, 1, 0, "Full", 3),
		// (1, 1) has no row at layer 0
		imageRow(1, 0, 0, 0, 0, "Full", 3), // step 1 averages with step 0
		imageRow(0, 1, 0, 1, 1, "Full", 4),
		imageRow(0, 1, 0, 0, 0, "Attn", 50),
		imageRow(0, 0, 1, 0, 2, "Full", 7), // a second image, 1×3
		{Step: 0, Layer: 1, Variant: "Full", L2Distance: 99, Modality: results.ModalityImage, ImageIndex: 0, PatchRow: -1, PatchCol: -1, GroupSize: 4},
		effectRow(0, 0, 0, 0, 0.5), effectRow(0, 1, 1, 1, 0.25),
	}
	nan := math.NaN()
	tests := map[string]struct {
		opts    Options
		image0  [][]float64 // per layer, row-major 2×2
		steps   []int
		images  int
		wantErr error
	}{
		"mean over steps": {
			image0: [][]float64{{2, 2, 3, nan}, {nan, nan, nan, 4}}, steps: []int{0, 1}, images: 2,
		},
		"one step": {
			opts:   Options{Steps: []int{1}},
			image0: [][]float64{{3}}, steps: []int{1}, images: 1,
		},
		"cosine": {
			opts:   Options{Value: results.ColumnCosineDistance, Steps: []int{0}},
			image0: [][]float64{{0.1, 0.2, 0.3, nan}, {nan, nan, nan, 0.4}}, steps: []int{0}, images: 2,
		},
		"metric column": {
			opts:   Options{Value: "score", MetricColumns: []string{"score"}, Steps: []int{0}},
			image0: [][]float64{{100, 200, 300, nan}, {nan, nan, nan, 400}}, steps: []int{0}, images: 2,
		},
		"other variant": {
			opts:   Options{Variant: "Attn"},
			image0: [][]float64{{nan}, {50}}, steps: []int{0}, images: 1,
		},
		"effect column": {
			opts:   Options{Variant: "Effect_W1", Value: results.ColumnDLogP},
			image0: [][]float64{{-0.5, nan, nan, nan}, {nan, nan, nan, -0.25}}, steps: []int{0}, images: 1,
		},
		"a metric column named like an effect column": {
			opts:   Options{Value: results.ColumnKL, MetricColumns: []string{results.ColumnKL}, Steps: []int{0}},
			image0: [][]float64{{100, 200, 300, nan}, {nan, nan, nan, 400}}, steps: []int{0}, images: 2,
		},
		"unknown value":  {opts: Options{Value: "nope"}, wantErr: errAny},
		"no image rows":  {opts: Options{Variant: "Head_3"}, wantErr: ErrNoImageRows},
		"step not there": {opts: Options{Steps: []int{9}}, wantErr: ErrNoImageRows},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			maps, err := Build(rows, tc.opts)
			if tc.wantErr != nil {
				if err == nil || (tc.wantErr != errAny && !errors.Is(err, tc.wantErr)) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(maps) != tc.images {
				t.Fatalf("%d images, want %d", len(maps), tc.images)
			}
			m := maps[0]
			if !slices.Equal(m.Steps, tc.steps) {
				t.Errorf("steps %v, want %v", m.Steps, tc.steps)
			}
			if len(m.Layers) != len(tc.image0) {
				t.Fatalf("%d layers, want %d", len(m.Layers), len(tc.image0))
			}
			for l, want := range tc.image0 {
				g := m.Layers[l]
				if g.Layer != l || len(g.Values) != len(want) || m.Rows*m.Cols != len(want) {
					t.Fatalf("layer %d: grid %d×%d with %d values, want %d values", l, m.Rows, m.Cols, len(g.Values), len(want))
				}
				wantMax := 0.0
				for i := range want {
					if !same(g.Values[i], want[i]) {
						t.Errorf("layer %d cell %d = %v, want %v", l, i, g.Values[i], want[i])
					}
					if !math.IsNaN(want[i]) {
						wantMax = max(wantMax, want[i])
					}
				}
				if !same(g.Max, wantMax) {
					t.Errorf("layer %d max %v, want %v", l, g.Max, wantMax)
				}
			}
			if tc.images == 2 {
				if im := maps[1]; im.Image != 1 || im.Rows != 1 || im.Cols != 3 || math.IsNaN(im.Layers[0].Values[2]) || !math.IsNaN(im.Layers[0].Values[0]) {
					t.Errorf("second image %+v", im)
				}
			}
		})
	}
}

// errAny stands for "some error" in the table.
var errAny = errors.New("any error")

// same compares within rounding, NaN equal to NaN.
func same(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
}
