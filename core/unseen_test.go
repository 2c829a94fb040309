package core

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/sdk"
)

// windowProbe is a layer probe whose final query sees only the last keys
// (a sliding window), and whose tail and recompute add a different
// rounding-sized offset to every row, as a batched run may.
type windowProbe struct {
	spec   Spec
	seqLen int
	scores []float64
	values []float64
}

func newWindowProbe(spec Spec, seqLen, window int) *windowProbe {
	p := &windowProbe{spec: spec, seqLen: seqLen}
	for h := 0; h < spec.NumHeads; h++ {
		for j := 0; j < seqLen; j++ {
			s := math.Sin(float64(3*h + j))
			if seqLen-1-j >= window {
				s = math.Inf(-1)
			}
			p.scores = append(p.scores, s)
		}
	}
	for i := 0; i < spec.NumKVHeads*seqLen*spec.HeadDim; i++ {
		p.values = append(p.values, math.Cos(float64(i)))
	}
	return p
}

func (p *windowProbe) Layer() int            { return 0 }
func (p *windowProbe) SeqLen() int           { return p.seqLen }
func (p *windowProbe) NewInputs() []float64  { return nil }
func (p *windowProbe) NewOutputs() []float64 { return nil }
func (p *windowProbe) Scores() []float64     { return p.scores }
func (p *windowProbe) Values() []float64     { return p.values }

// rows returns rows width-wide rows, each the first values of src
// (repeated) plus a per-row offset of a few ulps.
func (p *windowProbe) rows(src []float64, rows, width int) []float64 {
	out := make([]float64, rows*width)
	for r := 0; r < rows; r++ {
		for k := 0; k < width; k++ {
			out[r*width+k] = src[k%len(src)] + float64(r)*1e-15
		}
	}
	return out
}

func (p *windowProbe) Tail(_ context.Context, heads []float64, rows int) (attn, update []float64, err error) {
	return p.rows(heads, rows, p.spec.Hidden), p.rows(heads, rows, p.spec.Hidden), nil
}

func (p *windowProbe) Recompute(_ context.Context, groups [][]int) (heads, attn, update []float64, err error) {
	width := p.spec.NumHeads * p.spec.HeadDim
	base := make([]float64, width)
	for i := range base {
		base[i] = float64(i)
	}
	return p.rows(base, len(groups), width), p.rows(base, len(groups), p.spec.Hidden), p.rows(base, len(groups), p.spec.Hidden), nil
}

// TestUnseenKeysChangeNothing: a group the final query does not attend
// at all (baseline mass 0 in every head, outside a sliding window) gets
// exactly the baseline vectors, by either method, however the tail or the
// recompute rounds its rows; a group it attends keeps its own.
func TestUnseenKeysChangeNothing(t *testing.T) {
	t.Parallel()
	spec := Spec{NumLayers: 1, NumHeads: 4, NumKVHeads: 2, HeadDim: 4, Hidden: 8}
	const seqLen, window = 12, 5
	p := newWindowProbe(spec, seqLen, window)
	groups := []sdk.Group{
		{Label: "unseen", Positions: []int{0}},
		{Label: "unseen pair", Positions: []int{2, 6}},
		{Label: "seen", Positions: []int{seqLen - 2}},
		{Label: "straddling", Positions: []int{3, seqLen - 1}},
	}
	unseen := []bool{true, true, false, false}
	for _, method := range []Method{MethodFast, MethodRecompute} {
		v, err := KnockoutVectors(context.Background(), p, spec, groups, method)
		if err != nil {
			t.Fatal(err)
		}
		for i := range groups {
			for _, part := range []struct {
				name  string
				all   []float64
				width int
			}{{"heads", v.Heads, spec.NumHeads * spec.HeadDim}, {"attn", v.Attn, spec.Hidden}, {"update", v.Update, spec.Hidden}} {
				base, got := part.all[:part.width], part.all[(i+1)*part.width:(i+2)*part.width]
				if same := slices.Equal(base, got); same != unseen[i] {
					t.Errorf("%s, group %q: %s equal to the baseline: %v, want %v", method, groups[i].Label, part.name, same, unseen[i])
				}
			}
		}
	}
}
