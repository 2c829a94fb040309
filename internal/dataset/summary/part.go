package summary

import (
	"fmt"

	"github.com/vlmask/vlmask/core/results"
)

// add reads one part into the group's sums, a chunk of rows at a time.
func (ga *groupAcc) add(path string, opts Options) error {
	t, err := results.OpenTable(path)
	if err != nil {
		return err
	}
	defer t.Close()
	m := t.Meta()
	if !m.Complete {
		ga.g.Skipped = append(ga.g.Skipped, path)
		return nil
	}
	layers, ok, err := m.NumLayers()
	if err != nil || !ok {
		return fmt.Errorf("part %q: no usable %s: %v", path, results.MetaKeyNumLayers, err)
	}
	grids, _, err := m.ImageGrids()
	if err != nil {
		return fmt.Errorf("part %q: %w", path, err)
	}
	switch {
	case ga.g.NumLayers == 0:
		ga.g.NumLayers = layers
		ga.values = make([]int64, min(opts.Bands, layers))
	case ga.g.NumLayers != layers:
		return fmt.Errorf("part %q has %d layers, earlier parts of model=%s %d: %w", path, layers, ga.g.Model, ga.g.NumLayers, ErrBounds)
	}
	nb := len(ga.values)
	ga.nparts++
	ga.g.Parts++
	c := &chunk{}
	n := t.NumRows()
	for from := int64(0); from < n; from += int64(opts.ChunkRows) {
		to := min(n, from+int64(opts.ChunkRows))
		if err := c.read(t, from, to, opts.Metric, ga.syms); err != nil {
			return fmt.Errorf("part %q: %w", path, err)
		}
		for i := range c.layer {
			if ga.syms.Name(c.variant[i]) != opts.Variant || isNaN(c.value[i]) {
				continue
			}
			layer := int(c.layer[i])
			if layer < 0 || layer >= layers {
				return fmt.Errorf("part %q row %d: layer %d of %d: %w", path, from+int64(i), layer, layers, ErrBounds)
			}
			k := accKey{band: layer * nb / layers}
			switch {
			case c.groupSize[i] > 1:
				k.kind, k.sym = kindGroup, c.label[i]
			case ga.syms.Name(c.modality[i]) == results.ModalityText:
				k.kind, k.sym = kindText, c.token[i]
			case c.imageIndex[i] >= 0 && c.patchRow[i] >= 0 && c.patchCol[i] >= 0:
				img := int(c.imageIndex[i])
				if img >= len(grids) || int(c.patchRow[i]) >= grids[img].Rows || int(c.patchCol[i]) >= grids[img].Cols {
					return fmt.Errorf("part %q row %d: image %d patch (%d, %d) outside its grids %v: %w", path, from+int64(i), img, c.patchRow[i], c.patchCol[i], grids, ErrBounds)
				}
				k.kind = kindImage
				k.r = int(c.patchRow[i]) * opts.Grid / grids[img].Rows
				k.c = int(c.patchCol[i]) * opts.Grid / grids[img].Cols
			default:
				k.kind, k.sym = kindGroup, c.label[i]
			}
			a := ga.accs[k]
			if a == nil {
				a = &acc{last: -1}
				ga.accs[k] = a
			}
			a.sum += c.value[i]
			a.count++
			if a.last != ga.nparts {
				a.rows++
				a.last = ga.nparts
			}
			ga.values[k.band]++
		}
	}
	return nil
}

// chunk holds the columns of a slice of rows, reused between slices.
type chunk struct {
	layer, groupSize, imageIndex, patchRow, patchCol []int64
	variant, modality, token, label                  []int32
	value                                            []float64
}

func (c *chunk) read(t *results.Table, from, to int64, metric string, syms *results.Symbols) error {
	var err error
	ints := []struct {
		col string
		dst *[]int64
	}{
		{results.ColumnLayer, &c.layer}, {results.ColumnGroupSize, &c.groupSize},
		{results.ColumnImageIndex, &c.imageIndex}, {results.ColumnPatchRow, &c.patchRow}, {results.ColumnPatchCol, &c.patchCol},
	}
	for _, f := range ints {
		if *f.dst, err = t.Int64s(f.col, from, to, (*f.dst)[:0]); err != nil {
			return err
		}
	}
	strs := []struct {
		col string
		dst *[]int32
	}{
		{results.ColumnVariant, &c.variant}, {results.ColumnModality, &c.modality},
		{results.ColumnTokenMasked, &c.token}, {results.ColumnGroupLabel, &c.label},
	}
	for _, f := range strs {
		if *f.dst, err = t.Strings(f.col, from, to, syms, (*f.dst)[:0]); err != nil {
			return err
		}
	}
	if c.value, err = t.Float64s(metric, from, to, c.value[:0]); err != nil {
		return fmt.Errorf("value column %s: %w", metric, err)
	}
	return nil
}
