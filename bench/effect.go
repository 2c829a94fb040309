package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/run"
	"github.com/vlmask/vlmask/internal/testmodel"
	"github.com/vlmask/vlmask/plugins/builtin"
	"github.com/vlmask/vlmask/sdk"
)

// effectTokens is the sequence length of the propagated-knockout scenario.
const effectTokens = 300

// effectRows counts the Effect_W{k} rows an analysis writes.
type effectRows struct{ n atomic.Int64 }

func (c *effectRows) Write(rows []results.Row) error {
	for i := range rows {
		if rows[i].Effect != nil {
			c.n.Add(1)
		}
	}
	return nil
}

// benchEffect measures the propagated knockout (run --effect, window 1)
// of every group at every start layer, on a random-weight model with
// Qwen3-VL-2B's text shapes and the given depth (the cost in forward passes
// grows with it, so it wants the real 28 layers), at about 300 tokens:
//
//   - its cost: one analysis step with --effect minus the same step
//     without, in forward passes of the same tokens (a forward pass being
//     what vlmask's Forward computes: every layer over every token, and
//     lm_head at the final position);
//   - lm_head's share of it: one product of lm_head over every group's
//     row per start layer, timed alone;
//   - the brute force it replaces (--method recompute with --effect): one
//     whole blocked forward per group and start layer, timed on a few
//     (group, start layer) pairs and multiplied out, as running all of
//     them would take hours.
func benchEffect(ctx context.Context, rt *ort.Runtime, layers, runs, bruteSamples int) ([]scenario, error) {
	dir, err := os.MkdirTemp("", "vlmask-bench-effect-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	noVision := false
	fmt.Fprintf(os.Stderr, "generating a random Qwen3-VL-2B-shaped text model with %d layers for the propagated knockout…\n", layers)
	if err := testmodel.Generate(dir, testmodel.Options{Family: "qwen3_vl", Preset: "2b", Seed: 1, Layers: layers, Vision: &noVision}); err != nil {
		return nil, err
	}
	sess, err := run.OpenWith(rt, ort.Device{Kind: ort.CPU}, run.Config{Model: dir, Propagate: true})
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	m := sess.Model()
	spec := m.Spec()
	metric, _ := builtin.Metric("metrics")
	both, _ := builtin.Masking("masking-both")
	in := randomInput(spec.Vocab, effectTokens)
	forward := forwardPass(ctx, m, in)
	var counted effectRows
	analyse := func(windows []int) func() error {
		return func() error {
			a := &core.Analyzer{Model: m, Strategy: both, Metrics: []sdk.Metric{metric}, Rows: &counted, GeneratedToken: token}
			_, err := a.Run(ctx, in, core.Options{NumTokens: 1, Method: core.MethodFast, SkipPerHead: true, EffectWindows: windows})
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "propagated knockout at %d tokens, %d layers (%d run(s); minutes each)…\n", effectTokens, layers, runs)
	rs := measureInterleaved(runs, forward, analyse(nil), analyse([]int{1}))
	for _, r := range rs {
		if r.err != nil {
			return nil, r.err
		}
	}
	fwd, local, withEffect := rs[0], rs[1], rs[2]
	groups := int(counted.n.Load()) / ((runs + 1) * spec.NumLayers) // the warm-up round counts too
	effect := withEffect.median - local.median

	// lm_head over every group's row, once per start layer.
	rows := make([]float64, groups*spec.Hidden)
	head := measure(max(1, runs), func() error {
		_, err := m.Logits(rows)
		return err
	})
	if head.err != nil {
		return nil, head.err
	}

	// The brute force: a whole blocked forward per (group, start layer).
	seq, err := m.Start(ctx, in.Prompt, core.SequenceOptions{})
	if err != nil {
		return nil, err
	}
	defer seq.Close()
	if _, err := seq.Forward(ctx, nil); err != nil {
		return nil, err
	}
	prop := seq.(core.Propagator)
	fmt.Fprintf(os.Stderr, "brute force: %d whole blocked forwards…\n", bruteSamples)
	var brute []float64
	for i := 0; i < bruteSamples; i++ {
		pos, layer := (i*97)%effectTokens, (i*7)%spec.NumLayers
		start := time.Now()
		if _, err := prop.BlockedForward(ctx, []int{pos}, layer, layer+1); err != nil {
			return nil, err
		}
		brute = append(brute, time.Since(start).Seconds())
	}
	slices.Sort(brute)
	bruteOne := brute[len(brute)/2]
	bruteAll := bruteOne * float64(groups*spec.NumLayers)
	goal := float64(spec.NumLayers)/2 + 2
	return []scenario{
		{Name: "effect_forward", Tokens: effectTokens, Layers: spec.NumLayers, Runs: runs, MedianSeconds: fwd.median,
			Note: "one forward pass: every layer over every token, lm_head at the final position"},
		{Name: "effect_fast", Tokens: effectTokens, Layers: spec.NumLayers, Runs: runs, MedianSeconds: effect,
			Ratios: map[string]float64{
				"effect_in_forward_passes":            effect / fwd.median,
				"effect_in_all_logits_forward_passes": effect / (fwd.median + head.median),
				"goal_in_forward_passes":              goal,
				"lm_head_share":                       head.median * float64(spec.NumLayers) / effect,
				"brute_force_over_fast":               bruteAll / effect,
				"analysis_with_effect_over_without":   withEffect.median / local.median,
			},
			Figures: map[string]float64{"groups": float64(groups), "analysis_without_effect_s": local.median, "analysis_with_effect_s": withEffect.median,
				"lm_head_all_groups_s": head.median},
			Note: fmt.Sprintf("run --effect --window 1 over masking-both's %d groups × %d start layers: one analysis step with it minus the same "+
				"step without; the goal is L/2+2 forward passes (a forward pass with lm_head at the final position only; "+
				"all_logits: with lm_head at every position, as model(input_ids) computes it, i.e. plus lm_head over %d rows); lm_head_share: one lm_head product over the %d groups' rows per start layer, "+
				"timed alone", groups, spec.NumLayers, effectTokens, groups)},
		{Name: "effect_brute_force", Tokens: effectTokens, Layers: spec.NumLayers, Runs: bruteSamples, MedianSeconds: bruteAll,
			Figures: map[string]float64{"one_blocked_forward_s": bruteOne, "blocked_forwards": float64(groups * spec.NumLayers)},
			Note: fmt.Sprintf("--method recompute --effect: one whole blocked forward per group and start layer; %d of the %d timed and "+
				"multiplied out", bruteSamples, groups*spec.NumLayers)},
	}, nil
}
