package viewer

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/vlmask/vlmask/core/results"
)

// MaxQueryValues bounds the values one query returns (32 MiB of float64).
const MaxQueryValues = 4 << 20

// Query asks for one value column at one step, for some layers and
// variants, over every unit of the step.
type Query struct {
	Step     int
	Layers   []int    // nil: every layer of the file
	Variants []string // at least one
	Value    string   // a value column: l2_distance, cosine_distance, attention_weight or a metric
}

// Values is a query's answer: Data[(l·len(Variants)+v)·Units+u] is the
// value of unit u (in Step's order) for the query's l-th layer and v-th
// variant, NaN where the file has no row (or a null).
type Values struct {
	Layers   []int
	Variants []string
	Units    int
	Data     []float64
}

// At returns the value of unit u for layer index l and variant index v.
func (v Values) At(l, vi, u int) float64 { return v.Data[(l*len(v.Variants)+vi)*v.Units+u] }

// Values answers q, from the cache when it was asked recently.
func (f *File) Values(q Query) (Values, error) {
	if len(q.Layers) == 0 {
		q.Layers = f.layers
	}
	if err := f.checkQuery(q); err != nil {
		return Values{}, err
	}
	// The effect variants' rows are blocks of their own.
	blocks, layoutOf := f.blocks, f.stepLayout
	if _, ok := results.EffectWindow(q.Variants[0]); ok {
		blocks, layoutOf = f.effect, f.effectLayout
	}
	l, err := layoutOf(q.Step)
	if err != nil {
		return Values{}, err
	}
	n := len(q.Layers) * len(q.Variants) * len(l.units)
	if n > MaxQueryValues {
		return Values{}, fmt.Errorf("%d layers × %d variants × %d units: %w (at most %d values a query)",
			len(q.Layers), len(q.Variants), len(l.units), ErrTooLarge, MaxQueryValues)
	}
	key := fmt.Sprintf("%d|%v|%s|%s", q.Step, q.Layers, strings.Join(q.Variants, ","), q.Value)
	if v, ok := f.results.get(key); ok {
		return v.(Values), nil
	}
	out := Values{Layers: q.Layers, Variants: q.Variants, Units: len(l.units), Data: make([]float64, n)}
	for i := range out.Data {
		out.Data[i] = math.NaN()
	}
	want := map[int32]int{}
	for i, v := range q.Variants {
		if s, ok := f.syms.Lookup(v); ok {
			want[s] = i
		}
	}
	if err := f.fill(&out, q, l, blocks, want); err != nil {
		return Values{}, err
	}
	f.results.put(key, out, int64(len(out.Data))*8)
	return out, nil
}

// fill reads the value column over the query's blocks (of all) into out.
func (f *File) fill(out *Values, q Query, l *layout, all []block, want map[int32]int) error {
	nv, nu := len(q.Variants), len(l.units)
	// index: symbol → the query's variant index, or -1.
	index := make([]int, f.syms.Len())
	for i := range index {
		index[i] = -1
	}
	for s, vi := range want {
		index[s] = vi
	}
	put := func(li int, units, variants []int32, vals []float64) {
		for i, x := range vals {
			s, u := variants[i], units[i]
			if u < 0 || int(s) >= len(index) || index[s] < 0 {
				continue
			}
			out.Data[(li*nv+index[s])*nu+int(u)] = x
		}
	}
	blocks := make([]block, len(q.Layers))
	for i, layer := range q.Layers {
		b, ok := layerBlock(all, q.Step, layer)
		if !ok {
			return fmt.Errorf("step %d layer %d: %w", q.Step, layer, ErrNotFound)
		}
		blocks[i] = b
	}
	if l.regular && contiguous(blocks) {
		// One scan over the query's rows; every block repeats the layout,
		// so row r of the scan is row r mod size of the layout.
		start, size := blocks[0].from, blocks[0].to-blocks[0].from
		return f.table.ScanFloat64s(q.Value, start, blocks[len(blocks)-1].to, func(first int64, vals []float64) error {
			for len(vals) > 0 {
				off := first - start
				li, r := int(off/size), off%size
				n := min(int64(len(vals)), size-r)
				put(li, l.rowUnit[r:r+n], l.rowVariant[r:r+n], vals[:n])
				vals, first = vals[n:], first+n
			}
			return nil
		})
	}
	for li, b := range blocks {
		units, variants := l.rowUnit, l.rowVariant
		if !l.regular {
			var err error
			if units, variants, err = f.blockRows(b, l); err != nil {
				return err
			}
		}
		err := f.table.ScanFloat64s(q.Value, b.from, b.to, func(first int64, vals []float64) error {
			r := first - b.from
			put(li, units[r:r+int64(len(vals))], variants[r:r+int64(len(vals))], vals)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// contiguous reports whether blocks follow each other in the file.
func contiguous(blocks []block) bool {
	for i := 1; i < len(blocks); i++ {
		if blocks[i].from != blocks[i-1].to {
			return false
		}
	}
	return true
}

// checkQuery checks q's names against the file.
func (f *File) checkQuery(q Query) error {
	if !slices.Contains(f.steps, q.Step) {
		return fmt.Errorf("step %d: %w (the file has steps %v)", q.Step, ErrNotFound, f.steps)
	}
	for _, l := range q.Layers {
		if !slices.Contains(f.layers, l) {
			return fmt.Errorf("layer %d: %w", l, ErrNotFound)
		}
	}
	if len(q.Variants) == 0 {
		return fmt.Errorf("no variant asked for: %w", ErrBadRequest)
	}
	_, effect := results.EffectWindow(q.Variants[0])
	for _, v := range q.Variants {
		if !slices.Contains(f.variants, v) {
			return fmt.Errorf("variant %q: %w", v, ErrNotFound)
		}
		if _, ok := results.EffectWindow(v); ok != effect {
			return fmt.Errorf("variants %v: %w (ask for the %s{k} variants apart from the others)", q.Variants, ErrBadRequest, results.VariantEffectPrefix)
		}
	}
	if !slices.Contains(f.values, q.Value) {
		return fmt.Errorf("value column %q: %w (the file has %v)", q.Value, ErrNotFound, f.values)
	}
	return nil
}

// StepInfo is what the browser needs to draw a step: its units, the image
// grids they cover and the token the step generated.
type StepInfo struct {
	Step      int         `json:"step"`
	Units     []Unit      `json:"units"`
	Grids     []ImageGrid `json:"grids"`
	Generated *Generated  `json:"generated"`
}

// Step returns step's units, grids and generated token.
func (f *File) Step(step int) (StepInfo, error) {
	l, err := f.stepLayout(step)
	if err != nil {
		return StepInfo{}, err
	}
	info := StepInfo{Step: step, Units: l.units, Grids: l.grids}
	if info.Grids == nil {
		info.Grids = []ImageGrid{}
	}
	if ids := f.generatedIDs(); step >= 0 && step < len(ids) {
		g := f.generatedToken(step, ids[step])
		info.Generated = &g
	}
	return info, nil
}
