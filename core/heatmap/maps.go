package heatmap

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/vlmask/vlmask/core/results"
)

// ErrNoImageRows: the rows hold no single image token for the chosen
// variant (a text-only run, --mask-mode text, or a grouping strategy).
var ErrNoImageRows = errors.New("no image-token rows")

// Options select the values a map shows.
type Options struct {
	// Variant is the row variant (default "Full").
	Variant string
	// Value is the column shown: l2_distance (default), cosine_distance,
	// attention_weight or one of the file's metric columns.
	Value string
	// MetricColumns are the file's metric columns (results.Meta), in order,
	// for a Value that names one.
	MetricColumns []string
	// Steps are the generation steps averaged; empty means every step.
	Steps []int
	// Bounds are the limits the file's metadata sets (BoundsOf); rows
	// beyond them are refused with ErrOutOfBounds.
	Bounds Bounds
}

// Grid is one image's values at one layer, row-major over the image's
// merged-token grid; a cell without a row is NaN.
type Grid struct {
	Layer  int
	Values []float64
	Max    float64 // the largest finite value (0 when there is none)
	// Scale, when positive, is the value Draw colours as the top of the
	// scale instead of Max (AlignScales sets it so that the frames of an
	// animation share their colours).
	Scale float64
}

// top is the value at the top of g's colour scale.
func (g Grid) top() float64 {
	if g.Scale > 0 {
		return g.Scale
	}
	return g.Max
}

// ImageMaps are one image's grids, one per layer, in layer order.
type ImageMaps struct {
	Image      int
	Rows, Cols int
	Layers     []Grid
	Steps      []int // the steps averaged
}

// Max is the largest value over every layer.
func (m ImageMaps) Max() float64 {
	var v float64
	for _, g := range m.Layers {
		v = max(v, g.Max)
	}
	return v
}

// Build averages, for every image, layer and merged-token cell, the chosen
// value over the chosen steps. Multi-token groups are skipped: they have no
// single cell.
func Build(rows []results.Row, opts Options) ([]ImageMaps, error) {
	if opts.Variant == "" {
		opts.Variant = "Full"
	}
	value, err := valueOf(opts)
	if err != nil {
		return nil, err
	}
	if err := opts.Bounds.check(); err != nil {
		return nil, err
	}
	type cell struct{ image, layer, row, col int }
	type acc struct {
		sum float64
		n   int
	}
	sums := map[cell]*acc{}
	type extent struct{ rows, cols int }
	extents := map[int]*extent{}
	maxLayer := -1
	steps := map[int]bool{}
	for i := range rows {
		r := &rows[i]
		if r.Variant != opts.Variant || r.Modality != results.ModalityImage || r.GroupSize > 1 ||
			r.ImageIndex < 0 || r.PatchRow < 0 || r.PatchCol < 0 {
			continue
		}
		if len(opts.Steps) > 0 && !slices.Contains(opts.Steps, r.Step) {
			continue
		}
		if err := opts.Bounds.checkRow(r); err != nil {
			return nil, err
		}
		e := extents[r.ImageIndex]
		if e == nil {
			e = &extent{}
			if g := opts.Bounds.Grids; g != nil {
				e.rows, e.cols = g[r.ImageIndex].Rows, g[r.ImageIndex].Cols
			}
			extents[r.ImageIndex] = e
		}
		e.rows, e.cols = max(e.rows, r.PatchRow+1), max(e.cols, r.PatchCol+1)
		maxLayer = max(maxLayer, r.Layer)
		steps[r.Step] = true
		v := value(r)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		k := cell{r.ImageIndex, r.Layer, r.PatchRow, r.PatchCol}
		a := sums[k]
		if a == nil {
			a = &acc{}
			sums[k] = a
		}
		a.sum += v
		a.n++
	}
	if len(extents) == 0 {
		what := "any step"
		if len(opts.Steps) > 0 {
			what = fmt.Sprintf("steps %v", opts.Steps)
		}
		return nil, fmt.Errorf("variant %s at %s: %w", opts.Variant, what, ErrNoImageRows)
	}
	images := make([]int, 0, len(extents))
	for im := range extents {
		images = append(images, im)
	}
	slices.Sort(images)
	stepList := make([]int, 0, len(steps))
	for s := range steps {
		stepList = append(stepList, s)
	}
	slices.Sort(stepList)
	cells := 0
	for _, e := range extents {
		cells += e.rows * e.cols * (maxLayer + 1) // each factor is bounded, so this cannot overflow
	}
	if cells > MaxCells {
		return nil, fmt.Errorf("%d cells over %d image(s) and %d layers (the maximum is %d): %w", cells, len(extents), maxLayer+1, MaxCells, ErrOutOfBounds)
	}
	out := make([]ImageMaps, 0, len(images))
	for _, im := range images {
		e := extents[im]
		m := ImageMaps{Image: im, Rows: e.rows, Cols: e.cols, Steps: stepList}
		for l := 0; l <= maxLayer; l++ {
			g := Grid{Layer: l, Values: make([]float64, e.rows*e.cols)}
			for row := 0; row < e.rows; row++ {
				for col := 0; col < e.cols; col++ {
					v := math.NaN()
					if a := sums[cell{im, l, row, col}]; a != nil {
						v = a.sum / float64(a.n)
						g.Max = max(g.Max, v)
					}
					g.Values[row*e.cols+col] = v
				}
			}
			m.Layers = append(m.Layers, g)
		}
		out = append(out, m)
	}
	return out, nil
}

// valueOf returns the accessor for opts.Value.
func valueOf(opts Options) (func(*results.Row) float64, error) {
	switch opts.Value {
	case "", results.ColumnL2Distance:
		return func(r *results.Row) float64 { return r.L2Distance }, nil
	case results.ColumnCosineDistance:
		return func(r *results.Row) float64 { return r.CosineDistance }, nil
	case results.ColumnAttentionWeight:
		return func(r *results.Row) float64 {
			if !r.HasAttentionWeight {
				return math.NaN()
			}
			return r.AttentionWeight
		}, nil
	}
	// A metric column of that name comes first: only a file without the
	// effect columns can have one.
	if read := effectValue(opts.Value); read != nil && !slices.Contains(opts.MetricColumns, opts.Value) {
		return func(r *results.Row) float64 {
			if r.Effect == nil {
				return math.NaN()
			}
			return read(r.Effect)
		}, nil
	}
	i := slices.Index(opts.MetricColumns, opts.Value)
	if i < 0 {
		return nil, fmt.Errorf("value %q: want %s, %s, %s, an effect column (%s) or a metric column of the file %v",
			opts.Value, results.ColumnL2Distance, results.ColumnCosineDistance, results.ColumnAttentionWeight,
			strings.Join(results.EffectColumns(), ", "), opts.MetricColumns)
	}
	return func(r *results.Row) float64 {
		if i >= len(r.Metrics) {
			return math.NaN()
		}
		return r.Metrics[i]
	}, nil
}

// effectValue reads an effect column (the propagated knockout's, on the
// Effect_W{k} rows), or is nil for another name.
func effectValue(column string) func(*results.Effect) float64 {
	switch column {
	case results.ColumnKL:
		return func(e *results.Effect) float64 { return e.KL }
	case results.ColumnDLogP:
		return func(e *results.Effect) float64 { return e.DLogP }
	case results.ColumnTV:
		return func(e *results.Effect) float64 { return e.TV }
	case results.ColumnFinalHiddenL2:
		return func(e *results.Effect) float64 { return e.FinalHiddenL2 }
	case results.ColumnRank:
		return func(e *results.Effect) float64 { return float64(e.Rank) }
	case results.ColumnArgmaxChanged:
		return func(e *results.Effect) float64 {
			if e.ArgmaxChanged {
				return 1
			}
			return 0
		}
	}
	return nil
}
