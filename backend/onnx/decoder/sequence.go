package decoder

import (
	"context"
	"errors"
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
)

// sequence is one prompt decoded with a per-layer KV cache.
type sequence struct {
	m    *Model
	opts core.SequenceOptions

	ids   []int
	pos   [3][]int64 // position ids of every token, pending ones included
	delta int64      // rope delta for appended tokens
	done  int        // tokens already run through the layers

	prompt    []float64   // prompt embeddings [len(prompt), hidden], images scattered in
	promptLen int         //
	visual    []int       // prompt positions of image tokens, ascending
	imageOf   []int       // per prompt position: the image it belongs to, −1 for text
	layerAdds [][]float64 // per decoder layer: [len(visual), hidden] added after it

	pastK, pastV []*ort.Value // per layer: [kvHeads, done, headDim]
	inputs       []keptInputs // per layer: inputs at every position (KeepLayerInputs)
	closed       bool
}

var _ core.Sequence = (*sequence)(nil)

// Start embeds the prompt (running the vision tower for its images) and
// returns a sequence ready for its first Forward.
func (m *Model) Start(ctx context.Context, p *core.Prompt, opts core.SequenceOptions) (core.Sequence, error) {
	if m.layers == nil {
		return nil, ErrClosed
	}
	if opts.KeepLayerInputs && m.recomputes == nil {
		return nil, fmt.Errorf("recompute needs a model loaded with Options.Recompute: %w", ErrUnsupported)
	}
	if opts.PropagateRows && m.rowLayers == nil {
		return nil, fmt.Errorf("the propagated knockout needs a model loaded with Options.Propagate: %w", ErrUnsupported)
	}
	n := len(p.IDs)
	if n == 0 {
		return nil, errors.New("empty prompt")
	}
	for r := range p.Positions {
		if len(p.Positions[r]) != n {
			return nil, fmt.Errorf("position ids row %d has %d entries for %d tokens", r, len(p.Positions[r]), n)
		}
	}
	d := int(m.spec.Decoder.Hidden)
	s := &sequence{m: m, opts: opts, delta: p.RopeDelta, promptLen: n}
	s.ids = append(s.ids, p.IDs...)
	for r := range s.pos {
		s.pos[r] = append([]int64(nil), p.Positions[r]...)
	}
	s.prompt = make([]float64, n*d)
	for i, id := range p.IDs {
		if err := m.embedInto(s.prompt[i*d:(i+1)*d], id); err != nil {
			return nil, err
		}
	}
	if err := s.scatterImages(ctx, p); err != nil {
		return nil, err
	}
	L := len(m.layers)
	s.pastK, s.pastV = make([]*ort.Value, L), make([]*ort.Value, L)
	if opts.KeepLayerInputs {
		s.inputs = make([]keptInputs, L)
	}
	return s, nil
}

// embedInto writes token id's (scaled) embedding row into dst.
func (m *Model) embedInto(dst []float64, id int) error {
	if id < 0 || id >= int(m.spec.Decoder.Vocab) {
		return fmt.Errorf("token id %d outside the vocabulary of %d", id, m.spec.Decoder.Vocab)
	}
	row, err := tensorRow(m.embed, id)
	if err != nil {
		return err
	}
	if m.embedScale == 1 {
		for k, x := range row {
			dst[k] = float64(x)
		}
		return nil
	}
	for k, x := range row {
		dst[k] = float64(x) * m.embedScale
	}
	return nil
}

// scatterImages replaces the prompt's image-token embeddings with the
// vision tower's, in order, and keeps the features added after layers.
func (s *sequence) scatterImages(ctx context.Context, p *core.Prompt) error {
	m := s.m
	imageID := m.spec.ImageTokenID
	s.imageOf = make([]int, len(p.IDs))
	for i, id := range p.IDs {
		s.imageOf[i] = -1
		if imageID >= 0 && id == imageID {
			s.visual = append(s.visual, i)
		}
	}
	if len(p.Images) == 0 {
		if len(s.visual) > 0 {
			return fmt.Errorf("prompt has %d image tokens but no image", len(s.visual))
		}
		return nil
	}
	d := int(m.spec.Decoder.Hidden)
	next := 0
	for k, im := range p.Images {
		f, err := m.EncodeImage(ctx, im)
		if err != nil {
			return fmt.Errorf("image %d: %w", k, err)
		}
		if next+f.Tokens > len(s.visual) {
			return fmt.Errorf("image features and image tokens do not match: %d tokens, features for more than that", len(s.visual))
		}
		if s.layerAdds == nil {
			s.layerAdds = make([][]float64, len(f.LayerAdds))
			for lvl := range s.layerAdds {
				s.layerAdds[lvl] = make([]float64, len(s.visual)*d)
			}
		}
		for t := 0; t < f.Tokens; t++ {
			row := s.visual[next+t]
			s.imageOf[row] = k
			copy(s.prompt[row*d:(row+1)*d], f.Embeds[t*d:(t+1)*d])
			for lvl, add := range f.LayerAdds {
				copy(s.layerAdds[lvl][(next+t)*d:(next+t+1)*d], add[t*d:(t+1)*d])
			}
		}
		next += f.Tokens
	}
	if next != len(s.visual) {
		return fmt.Errorf("image features and image tokens do not match: tokens %d, features %d", len(s.visual), next)
	}
	return nil
}

// Append adds a generated token to be run by the next Forward; its position
// id is its cache position plus the prompt's rope delta on all three rows.
func (s *sequence) Append(id int) error {
	if s.closed {
		return ErrClosed
	}
	if id < 0 || id >= int(s.m.spec.Decoder.Vocab) {
		return fmt.Errorf("token id %d outside the vocabulary of %d", id, s.m.spec.Decoder.Vocab)
	}
	p := int64(len(s.ids)) + s.delta
	s.ids = append(s.ids, id)
	for r := range s.pos {
		s.pos[r] = append(s.pos[r], p)
	}
	return nil
}

// Len is the number of tokens, pending ones included.
func (s *sequence) Len() int { return len(s.ids) }

// Close releases the KV cache. It is idempotent.
func (s *sequence) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	CloseAll(s.pastK)
	CloseAll(s.pastV)
	s.pastK, s.pastV, s.inputs = nil, nil, nil
	return nil
}

// Forward runs the pending tokens through every layer. The hidden states
// and the KV cache stay in the model device's memory between layers and
// steps; only what the probe and the logits need crosses to the host.
func (s *sequence) Forward(ctx context.Context, observe func(core.LayerProbe) error) ([]float64, error) {
	if s.closed {
		return nil, ErrClosed
	}
	m := s.m
	d := int(m.spec.Decoder.Hidden)
	first, total := s.done, len(s.ids)
	n := total - first
	if n == 0 {
		return nil, errors.New("forward: no pending tokens")
	}
	embedded := make([]float64, n*d)
	for i := first; i < total; i++ {
		row := embedded[(i-first)*d : (i-first+1)*d]
		if i < s.promptLen {
			copy(row, s.prompt[i*d:(i+1)*d])
		} else if err := m.embedInto(row, s.ids[i]); err != nil {
			return nil, err
		}
	}
	// Inputs shared by every layer of this Forward: created once.
	var shared Inputs
	defer shared.Close()
	hidden, err := shared.Add(m.rt, m.dt, []int64{int64(n), m.spec.Decoder.Hidden}, embedded)
	if err != nil {
		return nil, err
	}
	m.traffic.wrote(hidden)
	tables := s.ropeTables(first, total)
	ropes := make([][2]*ort.Value, len(tables))
	for i, t := range tables {
		for k, half := range [2][]float32{t.cos, t.sin} {
			v, err := shared.Add32(m.rt, m.dt, []int64{int64(n), m.spec.Decoder.HeadDim}, half)
			if err != nil {
				return nil, err
			}
			m.traffic.wrote(v)
			ropes[i][k] = v
		}
	}
	masks := map[int]*ort.Value{} // by window
	var last *ort.Value           // the final layer's output at the final position
	var owned *ort.Value          // hidden, once a layer's output: closed when replaced
	defer func() {
		if owned != nil {
			owned.Close()
		}
		if last != nil {
			last.Close()
		}
	}()
	for l, layer := range m.spec.Layers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		mask, ok := masks[layer.Window]
		if !ok {
			if mask, err = shared.Add(m.rt, m.dt, []int64{int64(n), int64(total)}, s.mask(first, total, layer.Window)); err != nil {
				return nil, err
			}
			m.traffic.wrote(mask)
			masks[layer.Window] = mask
		}
		out, outLast, err := s.runLayer(l, hidden, ropes[layer.Rope], mask, n, observe)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", l, err)
		}
		if owned != nil {
			owned.Close()
		}
		if last != nil {
			last.Close()
		}
		hidden, owned, last = out, out, outLast
	}
	s.done = total
	outs, err := m.head.RunBound([]ort.Named{{Name: blocks.InHidden, Value: last}}, []ort.Output{{Name: blocks.OutLogits, Device: ort.Device{Kind: ort.CPU}}})
	if err != nil {
		return nil, fmt.Errorf("lm_head: %w", err)
	}
	defer CloseAll(outs)
	m.traffic.read(outs[0])
	return Float64s(outs[0])
}

// ropeTable is one rotary table's cos and sin rows for a range of tokens.
type ropeTable struct{ cos, sin []float32 }

// ropeTables returns every rotary table's rows for tokens first..total−1.
func (s *sequence) ropeTables(first, total int) []ropeTable {
	var pos [3][]int64
	for r := range pos {
		pos[r] = s.pos[r][first:total]
	}
	out := make([]ropeTable, len(s.m.spec.Ropes))
	for i, r := range s.m.spec.Ropes {
		out[i].cos, out[i].sin = r.Tables(pos)
	}
	return out
}

// runLayer runs layer l on hidden [n, hidden] (in host or device memory),
// keeps the new KV cache in the device's memory, shows the probe to
// observe and returns the layer's output with any per-layer image feature
// added, in the device's memory, and its final row.
func (s *sequence) runLayer(l int, hidden *ort.Value, rope [2]*ort.Value, mask *ort.Value, n int, observe func(core.LayerProbe) error) (out, outLast *ort.Value, err error) {
	m := s.m
	dec := m.spec.Decoder
	d := int(dec.Hidden)
	first, total := s.done, s.done+n
	kv, hd := dec.KVHeads, dec.HeadDim

	var empties Inputs
	defer empties.Close()
	pastK, pastV := s.pastK[l], s.pastV[l]
	if pastK == nil {
		empty := []int64{kv, 0, hd}
		if pastK, err = ort.NewEmptyTensor(m.rt, m.dt, empty); err != nil {
			return nil, nil, err
		}
		empties = append(empties, pastK)
		if pastV, err = ort.NewEmptyTensor(m.rt, m.dt, empty); err != nil {
			return nil, nil, err
		}
		empties = append(empties, pastV)
	}
	dev, host := m.device, ort.Device{Kind: ort.CPU}
	outputs := []ort.Output{
		{Name: blocks.OutOutput, Device: dev}, {Name: blocks.OutOutputLast, Device: dev},
		{Name: blocks.OutPresentK, Device: dev}, {Name: blocks.OutPresentV, Device: dev},
	}
	if observe != nil {
		outputs = append(outputs, ort.Output{Name: blocks.OutScoresLast, Device: host},
			ort.Output{Name: blocks.OutInputLast, Device: host}, ort.Output{Name: blocks.OutValues, Device: host})
	}
	outs, err := m.layers[l].RunBound([]ort.Named{
		{Name: blocks.InHidden, Value: hidden}, {Name: blocks.InCos, Value: rope[0]}, {Name: blocks.InSin, Value: rope[1]},
		{Name: blocks.InMask, Value: mask}, {Name: blocks.InPastK, Value: pastK}, {Name: blocks.InPastV, Value: pastV},
	}, outputs)
	if err != nil {
		return nil, nil, err
	}
	out, outLast = outs[0], outs[1]
	keep := false
	defer func() {
		if !keep {
			out.Close()
			outLast.Close()
		}
		CloseAll(outs[4:])
	}()
	// The presents become the cache; the old cache values are released.
	if s.pastK[l] != nil {
		s.pastK[l].Close()
		s.pastV[l].Close()
	}
	s.pastK[l], s.pastV[l] = outs[2], outs[3]

	if s.inputs != nil {
		if err := m.onHost(hidden, s.inputs[l].append); err != nil {
			return nil, nil, err
		}
	}
	if observe != nil {
		p := &probe{s: s, layer: l, seqLen: total, hidden: hidden, output: out}
		for _, o := range outs[4:] {
			m.traffic.read(o)
		}
		if p.scores, err = Float64s(outs[4]); err != nil {
			return nil, nil, err
		}
		if p.inputLast, err = Float64s(outs[5]); err != nil {
			return nil, nil, err
		}
		if p.values, err = Float64s(outs[6]); err != nil {
			return nil, nil, err
		}
		if err := observe(p); err != nil {
			return nil, nil, err
		}
	}
	if l < len(s.layerAdds) {
		add := make([]float64, n*d)
		any := false
		for k, pos := range s.visual {
			if pos < first || pos >= total {
				continue
			}
			copy(add[(pos-first)*d:(pos-first+1)*d], s.layerAdds[l][k*d:(k+1)*d])
			any = true
		}
		if any {
			sum, err := m.addRows(out, add, int64(n), dec.Hidden)
			if err != nil {
				return nil, nil, err
			}
			// The final position is text (a generated or prompt token), so
			// its output row is unchanged by image features.
			out.Close()
			out = sum
		}
	}
	keep = true
	return out, outLast, nil
}

// Logits runs the final norm and lm_head on hidden states [n, hidden] and
// returns [n, vocab] logits (golden tests compare every prompt position).
func (m *Model) Logits(hidden []float64) ([]float64, error) {
	var in Inputs
	defer in.Close()
	n := int64(len(hidden)) / m.spec.Decoder.Hidden
	hv, err := in.Add(m.rt, m.dt, []int64{n, m.spec.Decoder.Hidden}, hidden)
	if err != nil {
		return nil, err
	}
	outs, err := m.head.Run([]ort.Named{{Name: "hidden", Value: hv}}, []string{"logits"})
	if err != nil {
		return nil, fmt.Errorf("lm_head: %w", err)
	}
	defer CloseAll(outs)
	return Float64s(outs[0])
}
