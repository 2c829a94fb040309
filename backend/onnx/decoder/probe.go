package decoder

import (
	"context"
	"errors"
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
)

// probe is one layer of one Forward, as core.LayerProbe. The layer's
// input and output at every position stay where the model keeps them
// (device memory on a GPU) and are copied to the host only when asked for.
type probe struct {
	s              *sequence
	layer, seqLen  int
	hidden, output *ort.Value // the layer's input and output, valid during the observe call
	inputLast      []float64  // the input at the final position
	scores         []float64  // [heads, seqLen]
	values         []float64  // [kvHeads, seqLen, headDim]
}

var _ core.LayerProbe = (*probe)(nil)

func (p *probe) Layer() int  { return p.layer }
func (p *probe) SeqLen() int { return p.seqLen }

// NewInputs copies the layer's inputs to the host (nil if that fails).
func (p *probe) NewInputs() []float64 {
	v, err := p.s.m.host(p.hidden)
	if err != nil {
		return nil
	}
	return v
}

// NewOutputs copies the layer's outputs to the host (nil if that fails).
func (p *probe) NewOutputs() []float64 {
	v, err := p.s.m.host(p.output)
	if err != nil {
		return nil
	}
	return v
}

func (p *probe) Scores() []float64 { return p.scores }
func (p *probe) Values() []float64 { return p.values }

// finalInput is the layer's input at the final position.
func (p *probe) finalInput() []float64 { return p.inputLast }

// Tail runs o_proj and the MLP block at the final position for each row of
// replacement head outputs.
func (p *probe) Tail(ctx context.Context, heads []float64, rows int) (attn, update []float64, err error) {
	m := p.s.m
	width := m.spec.Decoder.Heads * m.spec.Decoder.HeadDim
	if rows <= 0 || len(heads) != rows*int(width) {
		return nil, nil, fmt.Errorf("tail: %d values for %d rows of %d", len(heads), rows, width)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	var in Inputs
	defer in.Close()
	hv, err := in.Add(m.rt, m.dt, []int64{int64(rows), width}, heads)
	if err != nil {
		return nil, nil, err
	}
	rv, err := in.Add(m.rt, m.dt, []int64{1, m.spec.Decoder.Hidden}, p.finalInput())
	if err != nil {
		return nil, nil, err
	}
	m.traffic.wrote(hv)
	m.traffic.wrote(rv)
	outs, err := m.tails[p.layer].Run([]ort.Named{{Name: "heads", Value: hv}, {Name: "resid", Value: rv}}, []string{"attn", "update"})
	if err != nil {
		return nil, nil, fmt.Errorf("layer %d tail: %w", p.layer, err)
	}
	defer CloseAll(outs)
	m.traffic.read(outs[0])
	m.traffic.read(outs[1])
	if attn, err = Float64s(outs[0]); err != nil {
		return nil, nil, err
	}
	if update, err = Float64s(outs[1]); err != nil {
		return nil, nil, err
	}
	return attn, update, nil
}

// Recompute reruns the layer once per group with the group's keys hidden
// from the final query, in batches.
func (p *probe) Recompute(ctx context.Context, groups [][]int) (heads, attn, update []float64, err error) {
	s, m := p.s, p.s.m
	if s.inputs == nil || m.recomputes == nil {
		return nil, nil, nil, fmt.Errorf("recompute: the sequence keeps no layer inputs: %w", ErrUnsupported)
	}
	t := p.seqLen
	all := &s.inputs[p.layer]
	if all.len() != t*int(m.spec.Decoder.Hidden) {
		return nil, nil, nil, fmt.Errorf("recompute: %d kept inputs for %d positions", all.len()/int(m.spec.Decoder.Hidden), t)
	}
	for _, g := range groups {
		for _, j := range g {
			if j < 0 || j >= t {
				return nil, nil, nil, fmt.Errorf("recompute: position %d outside 0..%d", j, t-1)
			}
		}
	}
	per := RecomputeBatch(m.spec.Decoder, m.dt, len(m.layers), t, m.recomputeMemory)
	for start := 0; start < len(groups); start += per {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		h, a, u, err := p.recomputeBatch(all, groups[start:min(start+per, len(groups))])
		if err != nil {
			return nil, nil, nil, err
		}
		heads, attn, update = append(heads, h...), append(attn, a...), append(update, u...)
	}
	return heads, attn, update, nil
}

func (p *probe) recomputeBatch(hidden *keptInputs, groups [][]int) (heads, attn, update []float64, err error) {
	s, m := p.s, p.s.m
	t, g := p.seqLen, len(groups)
	layer := m.spec.Layers[p.layer]
	rope := s.ropeTables(0, t)[layer.Rope]
	dec := m.spec.Decoder
	knock := make([]bool, g*t)
	for b, grp := range groups {
		for _, j := range grp {
			knock[b*t+j] = true
		}
	}
	lastRow := make([]bool, t)
	lastRow[t-1] = true

	var in Inputs
	defer in.Close()
	var errs []error
	add := func(v *ort.Value, err error) *ort.Value { errs = append(errs, err); return v }
	named := []ort.Named{
		{Name: "hidden", Value: add(hidden.value(&in, m.rt, m.dt, []int64{int64(t), dec.Hidden}))},
		{Name: "cos", Value: add(in.Add32(m.rt, m.dt, []int64{int64(t), dec.HeadDim}, rope.cos))},
		{Name: "sin", Value: add(in.Add32(m.rt, m.dt, []int64{int64(t), dec.HeadDim}, rope.sin))},
		{Name: "mask", Value: add(in.Add(m.rt, m.dt, []int64{int64(t), int64(t)}, s.mask(0, t, layer.Window)))},
		{Name: "knock", Value: add(in.AddBool(m.rt, []int64{int64(g), int64(t)}, knock))},
		{Name: "last_row", Value: add(in.AddBool(m.rt, []int64{int64(t), 1}, lastRow))},
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, nil, err
	}
	outs, err := m.recomputes[p.layer].Run(named, []string{"heads", "attn", "update"})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("layer %d recompute: %w", p.layer, err)
	}
	defer CloseAll(outs)
	if heads, err = Float64s(outs[0]); err != nil {
		return nil, nil, nil, err
	}
	if attn, err = Float64s(outs[1]); err != nil {
		return nil, nil, nil, err
	}
	if update, err = Float64s(outs[2]); err != nil {
		return nil, nil, nil, err
	}
	return heads, attn, update, nil
}
