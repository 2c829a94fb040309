package core

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/parallel"
)

// ErrNoPropagation reports a model whose sequences cannot carry the final
// row on (core.Propagator), asked for the propagated knockout.
var ErrNoPropagation = errors.New("the model does not support the propagated knockout")

// effectHeadBudget bounds the logits of one head product of Propagate
// (rows × vocab float64 values): a 2B model's 151,936-token vocabulary
// gives 110 rows a product.
const effectHeadBudget = 16 << 20

// effectChunk is the fewest rows one goroutine scores: each costs about
// vocab exponentials.
const effectChunk = 4

// effectStep is the propagated knockout of one step: what the layers
// leave for it while the step's forward runs, used once the forward is
// done (docs/architecture.md, "The propagated knockout").
type effectStep struct {
	windows []int
	layers  []effectLayer // by layer; the fast method's
}

// effectLayer is what one layer of the forward leaves for the fast
// method.
type effectLayer struct {
	input  []float64 // the final position's input at the layer
	update []float64 // [G+1, hidden]: the layer's update, row 0 unblocked, row g+1 with group g blocked
	mass   []float64 // [G, heads]: each group's baseline attention mass
}

// checkWindows returns the windows sorted and without repeats, or an error
// for one below 1.
func checkWindows(windows []int) ([]int, error) {
	out := slices.Clone(windows)
	for _, k := range out {
		if k < 1 {
			return nil, fmt.Errorf("effect window %d: must be at least 1", k)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// keep records a layer's vectors for the fast method.
func (e *effectStep) keep(p LayerProbe, v *LayerVectors, hidden int) error {
	var input []float64
	if f, ok := p.(interface{ FinalInput() []float64 }); ok {
		input = f.FinalInput()
	} else if in := p.NewInputs(); len(in) >= hidden {
		input = in[len(in)-hidden:]
	}
	if len(input) != hidden {
		return fmt.Errorf("layer %d: the final position's input has %d values, want %d", p.Layer(), len(input), hidden)
	}
	for len(e.layers) <= p.Layer() {
		e.layers = append(e.layers, effectLayer{})
	}
	e.layers[p.Layer()] = effectLayer{input: slices.Clone(input), update: v.Update, mass: v.Mass}
	return nil
}

// propagated computes and writes the step's effect rows once its forward
// has run: for each start layer ℓ, each window k and each group, the
// output with the final query blind to the group at layers ℓ … ℓ+k−1,
// against the unblocked logits of the forward. It returns the rows
// written.
func (st *stepRun) propagated(ctx context.Context, seq Sequence, logits []float64, target int) (int64, error) {
	prop, ok := seq.(Propagator)
	if !ok {
		return 0, ErrNoPropagation
	}
	spec := st.spec
	L := spec.NumLayers
	if so, ok := st.a.Observer.(StageObserver); ok {
		so.Stage(fmt.Sprintf("step %d: propagated knockout, %d start layers × %d window(s) × %d groups", st.step, L, len(st.effect.windows), len(st.groups)))
	}
	var base *outputBaseline
	if st.opts.Method == MethodRecompute {
		out, err := prop.BlockedForward(ctx, nil, 0, 0)
		if err != nil {
			return 0, fmt.Errorf("effect baseline: %w", err)
		}
		base = newOutputBaseline(out.Logits, out.Normed, target)
	} else {
		if len(st.effect.layers) != L {
			return 0, fmt.Errorf("effect: %d layers observed of %d", len(st.effect.layers), L)
		}
		last := st.effect.layers[L-1]
		err := prop.Propagate(ctx, PropagateRequest{From: L, Rows: plus(last.input, last.update[:spec.Hidden]), Blocked: [][]int{nil}, BlockUntil: L,
			Each: func(_ int, out *Propagated) error {
				base = newOutputBaseline(logits, slices.Clone(out.Normed), target)
				return nil
			}})
		if err != nil {
			return 0, fmt.Errorf("effect baseline: %w", err)
		}
	}
	var written int64
	nextra := len(st.plan.extra)
	for l := 0; l < L; l++ {
		var rows []results.Row
		for _, k := range st.effect.windows {
			until := min(l+k, L)
			effects, cosines, err := st.effects(ctx, prop, base, l, until)
			if err != nil {
				return written, fmt.Errorf("effect at layer %d, window %d: %w", l, k, err)
			}
			for gi, grp := range st.groups {
				r := st.rowBase(l, grp)
				r.Variant = results.EffectVariant(k)
				r.L2Distance, r.CosineDistance = effects[gi].FinalHiddenL2, cosines[gi]
				r.Effect = &effects[gi]
				if nextra > 0 {
					r.Metrics = make([]float64, nextra)
					for i := range r.Metrics {
						r.Metrics[i] = math.NaN()
					}
				}
				rows = append(rows, r)
			}
		}
		if err := st.a.Rows.Write(rows); err != nil {
			return written, err
		}
		written += int64(len(rows))
		if eo, ok := st.a.Observer.(EffectObserver); ok {
			eo.EffectLayerDone(st.step, l, L)
		}
	}
	return written, nil
}

// EffectObserver is an optional Observer capability: it hears when the
// propagated knockout's rows of a start layer are written (after the
// step's LayerDone calls).
type EffectObserver interface {
	EffectLayerDone(step, layer, numLayers int)
}

// effects scores every group blocked at layers from … until−1.
func (st *stepRun) effects(ctx context.Context, prop Propagator, base *outputBaseline, from, until int) ([]results.Effect, []float64, error) {
	g := len(st.groups)
	effects, cosines := make([]results.Effect, g), make([]float64, g)
	if st.opts.Method == MethodRecompute {
		// The brute force: one whole forward per group.
		for gi, grp := range st.groups {
			out, err := prop.BlockedForward(ctx, grp.Positions, from, until)
			if err != nil {
				return nil, nil, err
			}
			effects[gi], cosines[gi] = base.score(out.Logits, out.Normed, make([]float64, len(out.Logits)))
		}
		return effects, cosines, nil
	}
	spec := st.spec
	hidden := spec.Hidden
	layer := st.effect.layers[from]
	// A group that the unblocked final query does not see at any blocked
	// layer (mass exactly 0 in every head, such as keys outside a sliding
	// window) changes nothing: its row stays the unblocked one all the way,
	// so it is scored as no change at all (zero values), exactly, whatever
	// rounding a propagation would add.
	var todo []int
	for gi := range st.groups {
		if !st.unseenAt(gi, from, until) {
			todo = append(todo, gi)
		}
	}
	if len(todo) == 0 {
		return effects, cosines, nil
	}
	// Every group's row through the later layers as one batch; the head's
	// output scored as it comes, a bounded number of rows at a time.
	req := PropagateRequest{From: from + 1, BlockUntil: until, Rows: make([]float64, 0, len(todo)*hidden),
		HeadRows: max(1, effectHeadBudget/max(spec.Vocab, 1))}
	for _, gi := range todo {
		req.Rows = append(req.Rows, plus(layer.input, layer.update[(gi+1)*hidden:(gi+2)*hidden])...)
		req.Blocked = append(req.Blocked, st.groups[gi].Positions)
	}
	req.Each = func(first int, out *Propagated) error {
		n := len(out.Normed) / hidden
		vocab := len(out.Logits) / max(n, 1)
		if n == 0 || first+n > len(todo) || n*hidden != len(out.Normed) || n*vocab != len(out.Logits) {
			return fmt.Errorf("propagate: %d logits and %d normed values for rows %d… of %d", len(out.Logits), len(out.Normed), first, len(todo))
		}
		parallel.Chunks(n, effectChunk, func(lo, hi int) {
			exps := make([]float64, vocab)
			for i := lo; i < hi; i++ {
				gi := todo[first+i]
				effects[gi], cosines[gi] = base.score(out.Logits[i*vocab:(i+1)*vocab], out.Normed[i*hidden:(i+1)*hidden], exps)
			}
		})
		return nil
	}
	if err := prop.Propagate(ctx, req); err != nil {
		return nil, nil, err
	}
	return effects, cosines, nil
}

// unseenAt says whether the unblocked final query puts no attention at all
// on group gi at layers from … until−1.
func (st *stepRun) unseenAt(gi, from, until int) bool {
	heads := st.spec.NumHeads
	for l := from; l < until; l++ {
		for _, m := range st.effect.layers[l].mass[gi*heads : (gi+1)*heads] {
			if m != 0 {
				return false
			}
		}
	}
	return true
}

// plus is a + b.
func plus(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] + b[i]
	}
	return out
}
