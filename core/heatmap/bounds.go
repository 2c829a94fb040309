package heatmap

import (
	"errors"
	"fmt"

	"github.com/vlmask/vlmask/core/results"
)

// ErrOutOfBounds: a row, or the file's metadata, asks for a grid or a layer
// beyond what the file's own metadata records or beyond the sane maximums
// below. A results file is input like any other: a crafted one must not
// make Build allocate without bound.
var ErrOutOfBounds = errors.New("outside the bounds of a results file")

// Sane maximums, whatever a file says. The largest real inputs are far
// below them: Qwen3-VL's largest image is 128×128 merged tokens, and no
// model has more than a few hundred layers.
const (
	MaxLayers   = 4096
	MaxImages   = 256
	MaxGridSide = 4096
	// MaxCells bounds the cells Build allocates over every image and layer
	// (8 bytes each): 1<<24 is 128 MiB.
	MaxCells = 1 << 24
)

// Bounds are what a results file's metadata says about the run: the
// decoder's layer count and each image's merged-token grid. Build refuses
// rows beyond them; a zero Layers or nil Grids leaves only the sane
// maximums.
type Bounds struct {
	Layers int
	Grids  []results.Grid
}

// BoundsOf reads the bounds from a file's metadata (results.Meta.NumLayers
// and ImageGrids); absent entries stay unknown.
func BoundsOf(m results.Meta) (Bounds, error) {
	var b Bounds
	layers, ok, err := m.NumLayers()
	if err != nil {
		return b, err
	}
	if ok {
		b.Layers = layers
	}
	if b.Grids, _, err = m.ImageGrids(); err != nil {
		return b, err
	}
	return b, b.check()
}

// check applies the sane maximums to the bounds themselves.
func (b Bounds) check() error {
	if b.Layers < 0 || b.Layers > MaxLayers {
		return fmt.Errorf("%d layers (the maximum is %d): %w", b.Layers, MaxLayers, ErrOutOfBounds)
	}
	if len(b.Grids) > MaxImages {
		return fmt.Errorf("%d images (the maximum is %d): %w", len(b.Grids), MaxImages, ErrOutOfBounds)
	}
	for i, g := range b.Grids {
		if g.Rows < 1 || g.Cols < 1 || g.Rows > MaxGridSide || g.Cols > MaxGridSide {
			return fmt.Errorf("image %d: grid %dx%d (sides 1..%d): %w", i, g.Rows, g.Cols, MaxGridSide, ErrOutOfBounds)
		}
	}
	return nil
}

// checkRow refuses a row outside the bounds.
func (b Bounds) checkRow(r *results.Row) error {
	layers, images := MaxLayers, MaxImages
	if b.Layers > 0 {
		layers = b.Layers
	}
	if b.Grids != nil {
		images = len(b.Grids)
	}
	rows, cols := MaxGridSide, MaxGridSide
	if r.ImageIndex < images && b.Grids != nil {
		rows, cols = b.Grids[r.ImageIndex].Rows, b.Grids[r.ImageIndex].Cols
	}
	switch {
	case r.Layer >= layers:
		return fmt.Errorf("row of step %d: layer %d, but the file has %d layers: %w", r.Step, r.Layer, layers, ErrOutOfBounds)
	case r.ImageIndex >= images:
		return fmt.Errorf("row of step %d layer %d: image %d, but the file has %d images: %w", r.Step, r.Layer, r.ImageIndex, images, ErrOutOfBounds)
	case r.PatchRow >= rows || r.PatchCol >= cols:
		return fmt.Errorf("row of step %d layer %d: image %d cell (%d, %d) outside its %dx%d grid: %w",
			r.Step, r.Layer, r.ImageIndex, r.PatchRow, r.PatchCol, rows, cols, ErrOutOfBounds)
	}
	return nil
}
