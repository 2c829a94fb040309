package decoder

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
)

var _ core.Propagator = (*sequence)(nil)

// FinalInput is the layer's input at the final position (the propagated
// knockout starts its rows from it).
func (p *probe) FinalInput() []float64 { return p.inputLast }

// Propagate carries each row of req through layers req.From … L−1 as the
// final position's hidden state, against the keys and values the last
// Forward cached for the positions before it, then through the final norm
// and lm_head, req.HeadRows rows at a time. The rows stay in the device's
// memory from layer to layer; only the logits and normed states come back.
func (s *sequence) Propagate(ctx context.Context, req core.PropagateRequest) error {
	if s.closed {
		return ErrClosed
	}
	m := s.m
	if m.rowLayers == nil {
		return fmt.Errorf("propagate: the model was loaded without Options.Propagate: %w", ErrUnsupported)
	}
	d := int(m.spec.Decoder.Hidden)
	L, t := len(m.layers), len(s.ids)
	rows := len(req.Rows) / d
	switch {
	case s.done != t:
		return errors.New("propagate: the sequence has tokens no forward has run yet")
	case rows == 0 || rows*d != len(req.Rows):
		return fmt.Errorf("propagate: %d values are not rows of %d", len(req.Rows), d)
	case len(req.Blocked) != rows:
		return fmt.Errorf("propagate: %d blocked sets for %d rows", len(req.Blocked), rows)
	case req.From < 0 || req.From > L || req.BlockUntil > L:
		return fmt.Errorf("propagate: layers %d … %d outside 0 … %d", req.From, req.BlockUntil-1, L-1)
	case req.Each == nil:
		return errors.New("propagate: no Each to hand the outputs to")
	}
	if err := s.finalIsText(); err != nil {
		return err
	}
	if err := checkPositions(req.Blocked, t); err != nil {
		return err
	}
	// Each row attends to every cached position in every head: the rows go
	// through the layers in chunks whose scores stay within the attention
	// budget (all at once where there is none, as on CUDA).
	per := rows
	if b := m.spec.Decoder.AttnBudget; b > 0 {
		per = int(min(int64(rows), max(1, b/(m.spec.Decoder.Heads*int64(t)))))
	}
	for lo := 0; lo < rows; lo += per {
		hi := min(lo+per, rows)
		chunk := req
		chunk.Rows, chunk.Blocked = req.Rows[lo*d:hi*d], req.Blocked[lo:hi]
		chunk.Each = func(first int, out *core.Propagated) error { return req.Each(lo+first, out) }
		if err := s.propagateRows(ctx, chunk, hi-lo); err != nil {
			return err
		}
	}
	return nil
}

// propagateRows is Propagate for rows rows, all at once.
func (s *sequence) propagateRows(ctx context.Context, req core.PropagateRequest, rows int) error {
	m := s.m
	d := int(m.spec.Decoder.Hidden)
	L, t := len(m.layers), len(s.ids)
	var in Inputs
	defer in.Close()
	cur, err := in.Add(m.rt, m.dt, []int64{int64(rows), int64(d)}, req.Rows)
	if err != nil {
		return err
	}
	m.traffic.wrote(cur)
	hd := m.spec.Decoder.HeadDim
	tables := s.ropeTables(t-1, t) // the final position's rotary rows
	ropes := make([][2]*ort.Value, len(tables))
	for i, tab := range tables {
		for k, half := range [2][]float32{tab.cos, tab.sin} {
			if ropes[i][k], err = in.Add32(m.rt, m.dt, []int64{1, hd}, half); err != nil {
				return err
			}
			m.traffic.wrote(ropes[i][k])
		}
	}
	type maskKey struct {
		window  int
		blocked bool
	}
	masks := map[maskKey]*ort.Value{}
	var owned *ort.Value // the previous layer's output
	defer func() {
		if owned != nil {
			owned.Close()
		}
	}()
	for l := req.From; l < L; l++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		layer := m.spec.Layers[l]
		key := maskKey{layer.Window, l < req.BlockUntil}
		mask, ok := masks[key]
		if !ok {
			if mask, err = in.Add(m.rt, m.dt, []int64{int64(rows), int64(t)}, s.rowMasks(req.Blocked, t, layer.Window, key.blocked)); err != nil {
				return err
			}
			m.traffic.wrote(mask)
			masks[key] = mask
		}
		outs, err := m.rowLayers[l].RunBound([]ort.Named{
			{Name: blocks.InRows, Value: cur}, {Name: blocks.InCos, Value: ropes[layer.Rope][0]}, {Name: blocks.InSin, Value: ropes[layer.Rope][1]},
			{Name: blocks.InMask, Value: mask}, {Name: blocks.InPastK, Value: s.pastK[l]}, {Name: blocks.InPastV, Value: s.pastV[l]},
		}, []ort.Output{{Name: blocks.OutOutput, Device: m.device}})
		if err != nil {
			return fmt.Errorf("layer %d rows: %w", l, err)
		}
		if owned != nil {
			owned.Close()
		}
		cur, owned = outs[0], outs[0]
	}
	return m.finalChunks(cur, rows, req.HeadRows, req.Each)
}

// finalChunks runs the final norm and lm_head on hidden [rows, hidden],
// per rows at a time, handing each chunk's outputs to each in buffers it
// reuses.
func (m *Model) finalChunks(hidden *ort.Value, rows, per int, each func(int, *core.Propagated) error) error {
	if per <= 0 || per >= rows {
		out, err := m.finalOutputs(hidden)
		if err != nil {
			return err
		}
		return each(0, out)
	}
	all, err := m.host(hidden)
	if err != nil {
		return err
	}
	d := int(m.spec.Decoder.Hidden)
	var out core.Propagated
	for first := 0; first < rows; first += per {
		n := min(per, rows-first)
		err := func() error {
			var in Inputs
			defer in.Close()
			hv, err := in.Add(m.rt, m.dt, []int64{int64(n), int64(d)}, all[first*d:(first+n)*d])
			if err != nil {
				return err
			}
			m.traffic.wrote(hv)
			return m.finalOutputsInto(hv, &out)
		}()
		if err != nil {
			return err
		}
		if err := each(first, &out); err != nil {
			return err
		}
	}
	return nil
}

// finalIsText refuses a sequence whose final position is an image token:
// the per-layer image features (DeepStack) would be added to its row, and
// the propagation carries text rows only (a prompt ends with text).
func (s *sequence) finalIsText() error {
	if last := len(s.ids) - 1; last < len(s.imageOf) && s.imageOf[last] >= 0 {
		return fmt.Errorf("propagate: the final position is an image token: %w", ErrUnsupported)
	}
	return nil
}

// checkPositions checks that every blocked position is a key of a
// sequence of t tokens.
func checkPositions(blocked [][]int, t int) error {
	for _, g := range blocked {
		for _, j := range g {
			if j < 0 || j >= t {
				return fmt.Errorf("propagate: position %d outside 0 … %d", j, t-1)
			}
		}
	}
	return nil
}

// rowMasks is the additive mask [rows, t] of the final query over keys
// 0 … t−1 (the last one each row's own) in a layer with the given window,
// with each row's blocked keys hidden when blocked.
func (s *sequence) rowMasks(blocked [][]int, t, window int, block bool) []float64 {
	base := s.mask(t-1, t, window)
	out := make([]float64, 0, len(blocked)*t)
	for _, g := range blocked {
		row := len(out)
		out = append(out, base...)
		if !block {
			continue
		}
		for _, j := range g {
			out[row+j] = math.Inf(-1)
		}
	}
	return out
}

// finalOutputs runs the final norm and lm_head on hidden [rows, hidden]
// and returns both to the host.
func (m *Model) finalOutputs(hidden *ort.Value) (*core.Propagated, error) {
	var p core.Propagated
	if err := m.finalOutputsInto(hidden, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// finalOutputsInto is finalOutputs into p's slices, grown as needed.
func (m *Model) finalOutputsInto(hidden *ort.Value, p *core.Propagated) error {
	host := ort.Device{Kind: ort.CPU}
	outs, err := m.head.RunBound([]ort.Named{{Name: blocks.InHidden, Value: hidden}},
		[]ort.Output{{Name: blocks.OutLogits, Device: host}, {Name: blocks.OutNormed, Device: host}})
	if err != nil {
		return fmt.Errorf("lm_head: %w", err)
	}
	defer CloseAll(outs)
	m.traffic.read(outs[0])
	m.traffic.read(outs[1])
	if p.Logits, err = float64sInto(p.Logits, outs[0]); err != nil {
		return err
	}
	p.Normed, err = float64sInto(p.Normed, outs[1])
	return err
}

// float64sInto copies a float32 or float64 ORT value into dst as float64,
// reusing dst's memory when it is large enough.
func float64sInto(dst []float64, v *ort.Value) ([]float64, error) {
	dt, err := v.DType()
	if err != nil {
		return nil, err
	}
	switch dt {
	case graph.Float32:
		src, err := ort.Data[float32](v)
		if err != nil {
			return nil, err
		}
		dst = slices.Grow(dst[:0], len(src))[:len(src)]
		convert(dst, src)
		return dst, nil
	case graph.Float64:
		src, err := ort.Data[float64](v)
		if err != nil {
			return nil, err
		}
		return append(dst[:0], src...), nil
	default:
		return nil, fmt.Errorf("output dtype %v: %w", dt, ErrUnsupported)
	}
}

// BlockedForward is the propagated knockout by brute force: a whole new
// forward of every token through the ordinary layer graphs, without a
// cache, with the final query row's attention to blocked removed at layers
// from … until−1, as the reference runs it. The sequence's cache is not
// touched.
func (s *sequence) BlockedForward(ctx context.Context, blocked []int, from, until int) (*core.Propagated, error) {
	if s.closed {
		return nil, ErrClosed
	}
	m := s.m
	dec := m.spec.Decoder
	d := int(dec.Hidden)
	t := len(s.ids)
	if err := checkPositions([][]int{blocked}, t); err != nil {
		return nil, err
	}
	embedded := make([]float64, t*d)
	for i := 0; i < t; i++ {
		row := embedded[i*d : (i+1)*d]
		if i < s.promptLen {
			copy(row, s.prompt[i*d:(i+1)*d])
		} else if err := m.embedInto(row, s.ids[i]); err != nil {
			return nil, err
		}
	}
	var in Inputs
	defer in.Close()
	cur, err := in.Add(m.rt, m.dt, []int64{int64(t), int64(d)}, embedded)
	if err != nil {
		return nil, err
	}
	tables := s.ropeTables(0, t)
	ropes := make([][2]*ort.Value, len(tables))
	for i, tab := range tables {
		for k, half := range [2][]float32{tab.cos, tab.sin} {
			if ropes[i][k], err = in.Add32(m.rt, m.dt, []int64{int64(t), dec.HeadDim}, half); err != nil {
				return nil, err
			}
		}
	}
	empty := []int64{dec.KVHeads, 0, dec.HeadDim}
	pastK, err := ort.NewEmptyTensor(m.rt, m.dt, empty)
	if err != nil {
		return nil, err
	}
	in = append(in, pastK)
	pastV, err := ort.NewEmptyTensor(m.rt, m.dt, empty)
	if err != nil {
		return nil, err
	}
	in = append(in, pastV)

	var owned, last *ort.Value
	defer func() { CloseAll([]*ort.Value{owned, last}) }()
	for l, layer := range m.spec.Layers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		mask := s.mask(0, t, layer.Window)
		if l >= from && l < until {
			for _, j := range blocked {
				mask[(t-1)*t+j] = math.Inf(-1)
			}
		}
		var layerIn Inputs
		mv, err := layerIn.Add(m.rt, m.dt, []int64{int64(t), int64(t)}, mask)
		if err != nil {
			return nil, err
		}
		outs, err := m.layers[l].RunBound([]ort.Named{
			{Name: blocks.InHidden, Value: cur}, {Name: blocks.InCos, Value: ropes[layer.Rope][0]}, {Name: blocks.InSin, Value: ropes[layer.Rope][1]},
			{Name: blocks.InMask, Value: mv}, {Name: blocks.InPastK, Value: pastK}, {Name: blocks.InPastV, Value: pastV},
		}, []ort.Output{{Name: blocks.OutOutput, Device: m.device}, {Name: blocks.OutOutputLast, Device: m.device}})
		layerIn.Close()
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", l, err)
		}
		CloseAll([]*ort.Value{owned, last})
		owned, last = outs[0], outs[1]
		if l < len(s.layerAdds) && len(s.visual) > 0 {
			add := make([]float64, t*d)
			for k, pos := range s.visual {
				copy(add[pos*d:(pos+1)*d], s.layerAdds[l][k*d:(k+1)*d])
			}
			sum, err := m.addRows(owned, add, int64(t), dec.Hidden)
			if err != nil {
				return nil, err
			}
			owned.Close()
			owned = sum
		}
		cur = owned
	}
	return m.finalOutputs(last)
}
