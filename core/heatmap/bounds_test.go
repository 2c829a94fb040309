package heatmap

import (
	"errors"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// TestBuildRefusesRowsOutOfBounds: rows come from a file, which may be
// crafted; grid sizes and layer counts taken from rows are bounded by the
// file's metadata and by sane maximums, before anything is allocated.
func TestBuildRefusesRowsOutOfBounds(t *testing.T) {
	t.Parallel()
	known := Bounds{Layers: 4, Grids: []results.Grid{{Rows: 2, Cols: 3}}}
	tests := map[string]struct {
		rows   []results.Row
		bounds Bounds
	}{
		"patch row 200000, no metadata": {rows: []results.Row{imageRow(0, 0, 0, 200000, 0, "Full", 1)}},
		"patch col past the maximum":    {rows: []results.Row{imageRow(0, 0, 0, 0, MaxGridSide, "Full", 1)}},
		"layer past the maximum":        {rows: []results.Row{imageRow(0, MaxLayers, 0, 0, 0, "Full", 1)}},
		"image past the maximum":        {rows: []results.Row{imageRow(0, 0, MaxImages, 0, 0, "Full", 1)}},
		"too many cells in all": {rows: []results.Row{
			imageRow(0, 0, 0, MaxGridSide-1, MaxGridSide-1, "Full", 1), imageRow(0, 1, 0, 0, 0, "Full", 1),
		}},
		"cell outside the recorded grid":  {rows: []results.Row{imageRow(0, 0, 0, 2, 0, "Full", 1)}, bounds: known},
		"layer beyond the recorded count": {rows: []results.Row{imageRow(0, 4, 0, 0, 0, "Full", 1)}, bounds: known},
		"image beyond the recorded ones":  {rows: []results.Row{imageRow(0, 0, 1, 0, 0, "Full", 1)}, bounds: known},
		"metadata asks for a huge grid":   {rows: []results.Row{imageRow(0, 0, 0, 0, 0, "Full", 1)}, bounds: Bounds{Grids: []results.Grid{{Rows: 200000, Cols: 2}}}},
		"metadata asks for many layers":   {rows: []results.Row{imageRow(0, 0, 0, 0, 0, "Full", 1)}, bounds: Bounds{Layers: MaxLayers + 1}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := Build(tc.rows, Options{Bounds: tc.bounds}); !errors.Is(err, ErrOutOfBounds) {
				t.Errorf("Build: %v, want ErrOutOfBounds", err)
			}
		})
	}
}

// TestBuildUsesRecordedGrid: with the grid recorded, a map has the image's
// full grid even when its last rows have no value.
func TestBuildUsesRecordedGrid(t *testing.T) {
	t.Parallel()
	maps, err := Build([]results.Row{imageRow(0, 0, 0, 0, 1, "Full", 1)},
		Options{Bounds: Bounds{Layers: 2, Grids: []results.Grid{{Rows: 3, Cols: 4}}}})
	if err != nil {
		t.Fatal(err)
	}
	if m := maps[0]; m.Rows != 3 || m.Cols != 4 || len(m.Layers[0].Values) != 12 {
		t.Errorf("map %dx%d with %d values, want the recorded 3x4", m.Rows, m.Cols, len(m.Layers[0].Values))
	}
}

func TestBoundsOf(t *testing.T) {
	t.Parallel()
	m := results.Meta{Metadata: map[string]string{
		results.MetaKeyNumLayers:  "28",
		results.MetaKeyImageGrids: results.ImageGridsValue([]results.Grid{{Rows: 6, Cols: 8}, {Rows: 2, Cols: 2}}),
	}}
	b, err := BoundsOf(m)
	if err != nil || b.Layers != 28 || len(b.Grids) != 2 || b.Grids[0] != (results.Grid{Rows: 6, Cols: 8}) {
		t.Errorf("BoundsOf = %+v, %v", b, err)
	}
	for _, bad := range []map[string]string{
		{results.MetaKeyNumLayers: "-3"},
		{results.MetaKeyNumLayers: "lots"},
		{results.MetaKeyImageGrids: "[[0, 5]]"},
		{results.MetaKeyImageGrids: "{"},
		{results.MetaKeyImageGrids: "[[200000, 200000]]"},
	} {
		if _, err := BoundsOf(results.Meta{Metadata: bad}); err == nil {
			t.Errorf("BoundsOf(%v) accepted", bad)
		}
	}
	if b, err := BoundsOf(results.Meta{}); err != nil || b.Layers != 0 || b.Grids != nil {
		t.Errorf("no metadata: %+v, %v; want unknown bounds", b, err)
	}
}
