package viewer

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/vlmask/vlmask/core/results"
)

// layout is what one step's blocks hold, row by row: which unit and which
// variant each row of a (step, layer) block is.
type layout struct {
	units      []Unit
	grids      []ImageGrid
	rowUnit    []int32 // per row of a block: index into units, -1 if unknown
	rowVariant []int32 // per row of a block: the variant's symbol
	// regular is true when every block of the step has the same rows in
	// the same order (checked on the step's last block); otherwise each
	// query reads its blocks' own token columns.
	regular bool
	unitOf  map[unitKey]int32
}

// unitKey identifies a unit within a step: groups may share a first
// position but not a label.
type unitKey struct {
	pos   int
	label int32
}

func (l *layout) bytes() int64 {
	return int64(len(l.rowUnit))*8 + int64(len(l.units))*160
}

// stepLayout returns step's layout, reading it on first use.
func (f *File) stepLayout(step int) (*layout, error) {
	key := strconv.Itoa(step)
	if v, ok := f.layouts.get(key); ok {
		return v.(*layout), nil
	}
	blocks := f.blocksOf(step)
	if len(blocks) == 0 {
		return nil, fmt.Errorf("step %d: %w (the file has steps %v)", step, ErrNotFound, f.steps)
	}
	l, err := f.readLayout(blocks[0])
	if err != nil {
		return nil, err
	}
	if l.regular, err = f.regular(blocks, l); err != nil {
		return nil, err
	}
	f.layouts.put(key, l, l.bytes())
	return l, nil
}

// regular says whether every block has the rows of the first, which l
// describes (checked on the last block).
func (f *File) regular(blocks []block, l *layout) (bool, error) {
	for _, b := range blocks[1:] {
		if b.to-b.from != blocks[0].to-blocks[0].from {
			return false, nil
		}
	}
	if last := blocks[len(blocks)-1]; len(blocks) > 1 {
		units, variants, err := f.blockRows(last, l)
		if err != nil {
			return false, err
		}
		return slices.Equal(units, l.rowUnit) && slices.Equal(variants, l.rowVariant), nil
	}
	return true, nil
}

// effectLayout returns the layout of step's effect blocks: the step's
// units, with the rows of its Effect_W{k} blocks.
func (f *File) effectLayout(step int) (*layout, error) {
	key := "effect " + strconv.Itoa(step)
	if v, ok := f.layouts.get(key); ok {
		return v.(*layout), nil
	}
	main, err := f.stepLayout(step)
	if err != nil {
		return nil, err
	}
	blocks := stepBlocks(f.effect, step)
	if len(blocks) == 0 {
		return nil, fmt.Errorf("step %d: %w (no effect rows)", step, ErrNotFound)
	}
	l := &layout{units: main.units, grids: main.grids, unitOf: main.unitOf}
	if l.rowUnit, l.rowVariant, err = f.blockRows(blocks[0], main); err != nil {
		return nil, err
	}
	if l.regular, err = f.regular(blocks, l); err != nil {
		return nil, err
	}
	f.layouts.put(key, l, l.bytes())
	return l, nil
}

// readLayout reads the token columns of block b and builds the units.
func (f *File) readLayout(b block) (*layout, error) {
	t := f.table
	var (
		err                              error
		pos, ids, img, prow, pcol, gsize []int64
		text, mod, label, variant        []int32
	)
	for _, c := range []struct {
		name string
		dst  *[]int64
	}{
		{results.ColumnTokenPosition, &pos}, {results.ColumnTokenID, &ids}, {results.ColumnImageIndex, &img},
		{results.ColumnPatchRow, &prow}, {results.ColumnPatchCol, &pcol}, {results.ColumnGroupSize, &gsize},
	} {
		if *c.dst, err = t.Int64s(c.name, b.from, b.to, nil); err != nil {
			return nil, err
		}
	}
	for _, c := range []struct {
		name string
		dst  *[]int32
	}{
		{results.ColumnTokenMasked, &text}, {results.ColumnModality, &mod},
		{results.ColumnGroupLabel, &label}, {results.ColumnVariant, &variant},
	} {
		if *c.dst, err = t.Strings(c.name, b.from, b.to, f.syms, nil); err != nil {
			return nil, err
		}
	}
	l := &layout{rowUnit: make([]int32, len(pos)), rowVariant: variant, unitOf: map[unitKey]int32{}}
	for i := range pos {
		k := unitKey{int(pos[i]), label[i]}
		u, ok := l.unitOf[k]
		if !ok {
			u = int32(len(l.units))
			l.unitOf[k] = u
			l.units = append(l.units, newUnit(results.Row{
				TokenPosition: int(pos[i]), TokenMasked: f.syms.Name(text[i]), TokenID: int(ids[i]),
				Modality: f.syms.Name(mod[i]), ImageIndex: int(img[i]), PatchRow: int(prow[i]), PatchCol: int(pcol[i]),
				GroupLabel: f.syms.Name(label[i]), GroupSize: int(gsize[i]),
			}))
		}
		l.rowUnit[i] = u
	}
	l.grids = gridsOf(l.units)
	return l, nil
}

// blockRows reads which unit and variant each row of block b is, mapping
// units through l (-1 for a unit l does not have).
func (f *File) blockRows(b block, l *layout) (units, variants []int32, err error) {
	pos, err := f.table.Int64s(results.ColumnTokenPosition, b.from, b.to, nil)
	if err != nil {
		return nil, nil, err
	}
	label, err := f.table.Strings(results.ColumnGroupLabel, b.from, b.to, f.syms, nil)
	if err != nil {
		return nil, nil, err
	}
	if variants, err = f.table.Strings(results.ColumnVariant, b.from, b.to, f.syms, nil); err != nil {
		return nil, nil, err
	}
	units = make([]int32, len(pos))
	for i := range pos {
		u, ok := l.unitOf[unitKey{int(pos[i]), label[i]}]
		if !ok {
			u = -1
		}
		units[i] = u
	}
	return units, variants, nil
}
