package core_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/sdk"
)

// fakeModel is a model of one layer whose final query row attends with
// fixed logits over fixed values, one head of head_dim len(values[0]); its
// tail is the identity (attn = update = head output), computed in float64.
// Layer inputs and outputs are zero. The engine's arithmetic is all there is
// between these numbers and the rows.
type fakeModel struct {
	logits []float64   // per key
	values [][]float64 // per key
	// onLayer, when set, runs before each layer's probe is observed.
	onLayer func(step, layer int)
	layers  int
}

var (
	_ core.Model      = (*fakeModel)(nil)
	_ core.Sequence   = (*fakeSeq)(nil)
	_ core.LayerProbe = (*fakeProbe)(nil)
)

func (m *fakeModel) numLayers() int { return max(m.layers, 1) }

func (m *fakeModel) Spec() core.Spec {
	d := len(m.values[0])
	return core.Spec{Family: "fake", NumLayers: m.numLayers(), NumHeads: 1, NumKVHeads: 1, HeadDim: d, Hidden: d, Vocab: 4}
}

func (m *fakeModel) Start(_ context.Context, p *core.Prompt, _ core.SequenceOptions) (core.Sequence, error) {
	if len(p.IDs) != len(m.logits) {
		return nil, fmt.Errorf("fake model: %d ids for %d keys", len(p.IDs), len(m.logits))
	}
	return &fakeSeq{m: m, n: len(p.IDs)}, nil
}

func (m *fakeModel) Close() error { return nil }

type fakeSeq struct {
	m    *fakeModel
	n    int
	step int
}

func (s *fakeSeq) Forward(ctx context.Context, observe func(core.LayerProbe) error) ([]float64, error) {
	for l := 0; l < s.m.numLayers(); l++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.m.onLayer != nil {
			s.m.onLayer(s.step, l)
		}
		if observe != nil {
			if err := observe(&fakeProbe{m: s.m, layer: l, n: s.n}); err != nil {
				return nil, err
			}
		}
	}
	s.step++
	return []float64{0, 1, 0, 0}, nil // token 1 next
}

func (s *fakeSeq) Append(int) error { s.n++; return nil }
func (s *fakeSeq) Len() int         { return s.n }
func (s *fakeSeq) Close() error     { return nil }

type fakeProbe struct {
	m     *fakeModel
	layer int
	n     int // keys: the prompt's plus one per appended token, which repeat the last key
}

func (p *fakeProbe) key(j int) int         { return min(j, len(p.m.logits)-1) }
func (p *fakeProbe) Layer() int            { return p.layer }
func (p *fakeProbe) SeqLen() int           { return p.n }
func (p *fakeProbe) NewInputs() []float64  { return make([]float64, len(p.m.values[0])) }
func (p *fakeProbe) NewOutputs() []float64 { return make([]float64, len(p.m.values[0])) }

func (p *fakeProbe) Scores() []float64 {
	out := make([]float64, p.n)
	for j := range out {
		out[j] = p.m.logits[p.key(j)]
	}
	return out
}

func (p *fakeProbe) Values() []float64 {
	var out []float64
	for j := 0; j < p.n; j++ {
		out = append(out, p.m.values[p.key(j)]...)
	}
	return out
}

func (p *fakeProbe) Tail(_ context.Context, heads []float64, _ int) (attn, update []float64, err error) {
	return slices.Clone(heads), slices.Clone(heads), nil
}

func (p *fakeProbe) Recompute(context.Context, [][]int) (heads, attn, update []float64, err error) {
	return nil, nil, nil, fmt.Errorf("fake model: no recompute")
}

// eachToken knocks out every position alone.
type eachToken struct{ sdk.MaskingBase }

func (eachToken) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: "each-token", Version: "1", Kind: sdk.KindMasking}, nil
}

func (eachToken) Mask(_ context.Context, req sdk.MaskRequest) (sdk.MaskResponse, error) {
	var resp sdk.MaskResponse
	for _, tok := range req.Sequence.Tokens {
		resp.Groups = append(resp.Groups, sdk.Group{Label: tok.Text, Positions: []int{tok.Position}})
	}
	return resp, nil
}

// fakeInput is the analysis input of n text tokens.
func fakeInput(n int) core.Input {
	in := core.Input{Prompt: &core.Prompt{}}
	for i := 0; i < n; i++ {
		in.Prompt.IDs = append(in.Prompt.IDs, 2)
		in.Tokens = append(in.Tokens, fakeToken(i, 2))
	}
	return in
}

func fakeToken(pos, id int) sdk.Token {
	return sdk.Token{Position: pos, ID: id, Text: fmt.Sprintf("t%d", pos), Modality: sdk.Text, ImageIndex: -1, PatchRow: -1, PatchCol: -1}
}

// collectRows keeps the rows written.
type collectRows struct{ rows []results.Row }

func (c *collectRows) Write(rows []results.Row) error {
	c.rows = append(c.rows, rows...)
	return nil
}
