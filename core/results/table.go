package results

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sync"

	"github.com/parquet-go/parquet-go"
)

// ErrColumn reports a column that a Table does not have, or one read as
// the wrong type.
var ErrColumn = errors.New("no such column")

// ErrRange reports a row range outside a Table.
var ErrRange = errors.New("row range out of bounds")

// Table reads a Parquet results file column by column and row range by row
// range, without holding the table in memory: it keeps the footer, and each
// read decodes only the pages of one column that the range touches (the
// writer stores an offset index, so a read seeks straight to its first
// page). It is meant for readers of large files that look at small slices,
// such as the interactive viewer; Read is simpler for whole tables.
//
// A Table is safe for concurrent use.
type Table struct {
	path   string
	file   *os.File
	pf     *parquet.File
	meta   Meta
	cols   map[string]int
	groups []tableGroup

	mu    sync.Mutex
	dicts map[dictKey][]int32 // a column chunk's dictionary index → symbol
}

// tableGroup is one row group and the first row it holds.
type tableGroup struct {
	first, rows int64
	rg          parquet.RowGroup
}

type dictKey struct {
	group, column int
	syms          *Symbols
}

// OpenTable opens a Parquet results file, checks its layout like Read and
// reads its footer. Close releases the file.
func OpenTable(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open results %q: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open results %q: %w", path, err)
	}
	pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipBloomFilters(true))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open results %q: %w", path, err)
	}
	m, err := parquetMeta(path, pf)
	if err != nil {
		f.Close()
		return nil, err
	}
	t := &Table{path: path, file: f, pf: pf, meta: m, cols: make(map[string]int, len(m.Columns)), dicts: map[dictKey][]int32{}}
	for i, name := range m.Columns {
		t.cols[name] = i
	}
	var first int64
	for _, rg := range pf.RowGroups() {
		t.groups = append(t.groups, tableGroup{first: first, rows: rg.NumRows(), rg: rg})
		first += rg.NumRows()
	}
	if m.Rows != first {
		f.Close()
		return nil, fmt.Errorf("open results %q: %w: metadata records %d rows, file has %d", path, ErrNotResults, m.Rows, first)
	}
	return t, nil
}

// Close closes the file.
func (t *Table) Close() error { return t.file.Close() }

// Path is the file's path as given to OpenTable.
func (t *Table) Path() string { return t.path }

// Meta is the file's layout and run metadata.
func (t *Table) Meta() Meta { return t.meta }

// NumRows is the number of rows in the file.
func (t *Table) NumRows() int64 { return t.meta.Rows }

// RowGroupStarts returns the first row of each row group followed by
// NumRows: row group i holds rows [starts[i], starts[i+1]).
func (t *Table) RowGroupStarts() []int64 {
	out := make([]int64, 0, len(t.groups)+1)
	for _, g := range t.groups {
		out = append(out, g.first)
	}
	return append(out, t.meta.Rows)
}

// Int64s appends the values of an INT64 column for rows [from, to) to dst;
// a null reads as -1 (the columns' null marker, see Row).
func (t *Table) Int64s(column string, from, to int64, dst []int64) ([]int64, error) {
	if to > from {
		dst = slices.Grow(dst, int(to-from))
	}
	err := t.scan(column, parquet.Int64, from, to, func(gi int, p parquet.Page, n int) error {
		defs := definitions(p, n)
		var dict []int64
		var vals []int64
		var idx []int32
		if d := p.Dictionary(); d != nil {
			dv, iv := d.Page().Data(), p.Data()
			dict, idx = dv.Int64(), iv.Int32()
		} else {
			v := p.Data()
			vals = v.Int64()
		}
		j := 0
		for i := range n {
			if defs != nil && defs[i] == 0 {
				dst = append(dst, -1)
				continue
			}
			if idx != nil {
				dst = append(dst, dict[idx[j]])
			} else {
				dst = append(dst, vals[j])
			}
			j++
		}
		return nil
	})
	return dst, err
}

// Float64s appends the values of a DOUBLE column for rows [from, to) to
// dst; a null reads as NaN.
func (t *Table) Float64s(column string, from, to int64, dst []float64) ([]float64, error) {
	if to > from {
		dst = slices.Grow(dst, int(to-from))
	}
	err := t.ScanFloat64s(column, from, to, func(_ int64, vals []float64) error {
		dst = append(dst, vals...)
		return nil
	})
	return dst, err
}

// ScanFloat64s calls fn with the values of a DOUBLE column for rows
// [from, to), a page at a time: first is the row of vals[0], and a null
// reads as NaN. vals is only valid during the call. It copies nothing a
// caller that picks a few values out of many does not need.
func (t *Table) ScanFloat64s(column string, from, to int64, fn func(first int64, vals []float64) error) error {
	row := from
	var buf []float64
	return t.scan(column, parquet.Double, from, to, func(_ int, p parquet.Page, n int) error {
		defs := definitions(p, n)
		var dict, vals []float64
		var idx []int32
		if d := p.Dictionary(); d != nil {
			dv, iv := d.Page().Data(), p.Data()
			dict, idx = dv.Double(), iv.Int32()
		} else {
			v := p.Data()
			vals = v.Double()
		}
		if defs == nil && idx == nil {
			if err := fn(row, vals[:n]); err != nil {
				return err
			}
			row += int64(n)
			return nil
		}
		buf = buf[:0]
		j := 0
		for i := range n {
			switch {
			case defs != nil && defs[i] == 0:
				buf = append(buf, math.NaN())
				continue
			case idx != nil:
				buf = append(buf, dict[idx[j]])
			default:
				buf = append(buf, vals[j])
			}
			j++
		}
		if err := fn(row, buf); err != nil {
			return err
		}
		row += int64(n)
		return nil
	})
}

// Strings appends the values of a STRING column for rows [from, to) to
// dst as symbols of syms, which interns each distinct value once. A
// dictionary-encoded page costs one symbol lookup per distinct value of
// its column chunk, not one per row.
func (t *Table) Strings(column string, from, to int64, syms *Symbols, dst []int32) ([]int32, error) {
	col := t.cols[column]
	if to > from {
		dst = slices.Grow(dst, int(to-from))
	}
	err := t.scan(column, parquet.ByteArray, from, to, func(gi int, p parquet.Page, n int) error {
		if d := p.Dictionary(); d != nil {
			m := t.dictSymbols(gi, col, d, syms)
			iv := p.Data()
			for _, i := range iv.Int32()[:n] {
				dst = append(dst, m[i])
			}
			return nil
		}
		v := p.Data()
		data, offsets := v.ByteArray()
		for i := range n {
			dst = append(dst, syms.intern(data[offsets[i]:offsets[i+1]]))
		}
		return nil
	})
	return dst, err
}

// dictSymbols maps a column chunk's dictionary onto syms, once per chunk.
func (t *Table) dictSymbols(group, col int, d parquet.Dictionary, syms *Symbols) []int32 {
	key := dictKey{group: group, column: col, syms: syms}
	t.mu.Lock()
	defer t.mu.Unlock()
	if m, ok := t.dicts[key]; ok && len(m) == d.Len() {
		return m
	}
	dv := d.Page().Data()
	data, offsets := dv.ByteArray()
	m := make([]int32, d.Len())
	for i := range m {
		m[i] = syms.intern(data[offsets[i]:offsets[i+1]])
	}
	t.dicts[key] = m
	return m
}

// definitions returns a page's definition levels when the column is
// optional (1 = a value, 0 = null), or nil.
func definitions(p parquet.Page, n int) []byte {
	if d := p.DefinitionLevels(); len(d) >= n {
		return d
	}
	return nil
}

// scan calls fn with each page that rows [from, to) of column touch,
// sliced to those rows, and the number of rows to take from it.
func (t *Table) scan(column string, kind parquet.Kind, from, to int64, fn func(gi int, p parquet.Page, n int) error) error {
	col, ok := t.cols[column]
	if !ok {
		return fmt.Errorf("read results %q: column %q: %w", t.path, column, ErrColumn)
	}
	if leaf := t.pf.Schema().Fields()[col]; leaf.Type().Kind() != kind {
		return fmt.Errorf("read results %q: column %q is %s, not %s: %w", t.path, column, leaf.Type().Kind(), kind, ErrColumn)
	}
	if from < 0 || to > t.meta.Rows || from > to {
		return fmt.Errorf("read results %q: rows [%d, %d) of %d: %w", t.path, from, to, t.meta.Rows, ErrRange)
	}
	for gi, g := range t.groups {
		lo, hi := max(from, g.first), min(to, g.first+g.rows)
		if lo >= hi {
			continue
		}
		if err := t.scanGroup(gi, g, col, lo-g.first, hi-g.first, fn); err != nil {
			return fmt.Errorf("read results %q: column %q, row group %d: %w", t.path, column, gi, err)
		}
	}
	return nil
}

func (t *Table) scanGroup(gi int, g tableGroup, col int, lo, hi int64, fn func(gi int, p parquet.Page, n int) error) error {
	pages := g.rg.ColumnChunks()[col].Pages()
	defer pages.Close()
	if err := pages.SeekToRow(lo); err != nil {
		return err
	}
	for left := hi - lo; left > 0; {
		p, err := pages.ReadPage()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: %d rows missing at the end", ErrNotResults, left)
		}
		if err != nil {
			return err
		}
		n := min(left, p.NumRows())
		err = fn(gi, p, int(n))
		if err != nil {
			return err
		}
		left -= n
	}
	return nil
}

// Symbols interns strings read from a Table: each distinct value gets a
// small integer, so comparing values is comparing integers. It is safe for
// concurrent use.
type Symbols struct {
	mu    sync.RWMutex
	ids   map[string]int32
	names []string
}

// NewSymbols returns an empty symbol table.
func NewSymbols() *Symbols { return &Symbols{ids: map[string]int32{}} }

// Name returns the string of symbol id.
func (s *Symbols) Name(id int32) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.names[id]
}

// Lookup returns the symbol of name, if it has been read.
func (s *Symbols) Lookup(name string) (int32, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.ids[name]
	return id, ok
}

// Len is the number of distinct strings interned.
func (s *Symbols) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.names)
}

func (s *Symbols) intern(b []byte) int32 {
	s.mu.RLock()
	id, ok := s.ids[string(b)]
	s.mu.RUnlock()
	if ok {
		return id
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.ids[string(b)]; ok {
		return id
	}
	id = int32(len(s.names))
	name := string(b)
	s.ids[name] = id
	s.names = append(s.names, name)
	return id
}
