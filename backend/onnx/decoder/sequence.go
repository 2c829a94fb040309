package decoder

import (
	"context"
	"errors"
	"fmt"

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
	inputs       [][]float64  // per layer: inputs at every position (KeepLayerInputs)
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
		s.inputs = make([][]float64, L)
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

// Forward runs the pending tokens through every layer.
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
	hidden := make([]float64, n*d)
	for i := first; i < total; i++ {
		row := hidden[(i-first)*d : (i-first+1)*d]
		if i < s.promptLen {
			copy(row, s.prompt[i*d:(i+1)*d])
		} else if err := m.embedInto(row, s.ids[i]); err != nil {
			return nil, err
		}
	}
	tables := s.ropeTables(first, total)
	masks := map[int][]float64{} // by window
	for l, layer := range m.spec.Layers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		mask, ok := masks[layer.Window]
		if !ok {
			mask = s.mask(first, total, layer.Window)
			masks[layer.Window] = mask
		}
		rope := tables[layer.Rope]
		out, err := s.runLayer(l, hidden, rope, mask, n, observe)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", l, err)
		}
		hidden = out
	}
	s.done = total
	logits, err := m.Logits(hidden[(n-1)*d:])
	if err != nil {
		return nil, err
	}
	return logits, nil
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

// runLayer runs layer l on hidden [n, hidden], updates the KV cache, shows
// the probe to observe and returns the layer's output with any per-layer
// image feature added, ready for the next layer.
func (s *sequence) runLayer(l int, hidden []float64, rope ropeTable, mask []float64, n int, observe func(core.LayerProbe) error) ([]float64, error) {
	m := s.m
	dec := m.spec.Decoder
	d := int(dec.Hidden)
	first, total := s.done, s.done+n
	kv, hd := dec.KVHeads, dec.HeadDim

	var in Inputs
	defer in.Close()
	hv, err := in.Add(m.rt, m.dt, []int64{int64(n), dec.Hidden}, hidden)
	if err != nil {
		return nil, err
	}
	cv, err := in.Add32(m.rt, m.dt, []int64{int64(n), hd}, rope.cos)
	if err != nil {
		return nil, err
	}
	sv, err := in.Add32(m.rt, m.dt, []int64{int64(n), hd}, rope.sin)
	if err != nil {
		return nil, err
	}
	mv, err := in.Add(m.rt, m.dt, []int64{int64(n), int64(total)}, mask)
	if err != nil {
		return nil, err
	}
	pastK, pastV := s.pastK[l], s.pastV[l]
	if pastK == nil {
		empty := []int64{kv, 0, hd}
		if pastK, err = ort.NewEmptyTensor(m.rt, m.dt, empty); err != nil {
			return nil, err
		}
		in = append(in, pastK)
		if pastV, err = ort.NewEmptyTensor(m.rt, m.dt, empty); err != nil {
			return nil, err
		}
		in = append(in, pastV)
	}
	outs, err := m.layers[l].Run([]ort.Named{
		{Name: "hidden", Value: hv}, {Name: "cos", Value: cv}, {Name: "sin", Value: sv},
		{Name: "mask", Value: mv}, {Name: "past_k", Value: pastK}, {Name: "past_v", Value: pastV},
	}, []string{"output", "present_k", "present_v", "scores_last"})
	if err != nil {
		return nil, err
	}
	output, presentK, presentV, scores := outs[0], outs[1], outs[2], outs[3]
	defer output.Close()
	defer scores.Close()
	// The presents become the cache; the old cache values are released.
	if s.pastK[l] != nil {
		s.pastK[l].Close()
		s.pastV[l].Close()
	}
	s.pastK[l], s.pastV[l] = presentK, presentV

	out, err := Float64s(output)
	if err != nil {
		return nil, err
	}
	if s.inputs != nil {
		s.inputs[l] = append(s.inputs[l], hidden...)
	}
	if observe != nil {
		p := &probe{s: s, layer: l, inputs: hidden, outputs: out, seqLen: total}
		if p.scores, err = Float64s(scores); err != nil {
			return nil, err
		}
		if p.values, err = Float64s(presentV); err != nil {
			return nil, err
		}
		if err := observe(p); err != nil {
			return nil, err
		}
	}
	if l >= len(s.layerAdds) {
		return out, nil
	}
	next := append([]float64(nil), out...)
	for k, pos := range s.visual {
		if pos < first || pos >= total {
			continue
		}
		row := next[(pos-first)*d : (pos-first+1)*d]
		for j, x := range s.layerAdds[l][k*d : (k+1)*d] {
			row[j] += x
		}
	}
	return next, nil
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
