package goldenmodel

import (
	"context"
	"math"
	"testing"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/golden"
)

// EffectWindows are the windows the golden effect tables hold.
var EffectWindows = []int{1, 3}

// CheckEffect runs the analysis of c on m with the propagated knockout
// (windows 1 and 3) by method and compares its Effect_W{k} rows — every
// step, start layer, window and position of the case's mask mode — with
// expected/effect_f64.csv under the effect block of tolerance.json: kl,
// dlogp, tv and final_hidden_l2 (also the rows' l2_distance) within
// tol_abs, argmax_changed and rank exactly except in the unstable rows. It
// returns the effect rows, for comparing the methods with each other.
func CheckEffect(t *testing.T, m core.Model, c golden.Case, method core.Method, stop []int) []results.Row {
	t.Helper()
	a, rows, gen := caseAnalyzer(t, m, c)
	res, err := a.Run(context.Background(), core.Input{Prompt: Prompt(t, c), Tokens: c.Tokens(t).Tokens}, core.Options{
		NumTokens: c.Info.NumTokens, Method: method, SkipPerHead: true, StopTokenIDs: stop, EffectWindows: EffectWindows,
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range gen.GeneratedIDs {
		if i >= len(res.GeneratedIDs) || res.GeneratedIDs[i] != id {
			t.Fatalf("generated %v, want %v", res.GeneratedIDs, gen.GeneratedIDs)
		}
	}
	var got []results.Row
	for _, r := range rows.rows {
		if _, ok := results.EffectWindow(r.Variant); ok {
			got = append(got, r)
		}
	}
	CompareEffect(t, c, got, c.Tolerance(t).Effect)
	return got
}

// CompareEffect checks effect rows against the case's effect_f64.csv: the
// same rows in the same order (step, start layer, window, position, token
// text: exact) and every value within the rule; it logs the worst |Δ| per
// column as a fraction of its tolerance.
func CompareEffect(t *testing.T, c golden.Case, got []results.Row, tol golden.EffectTolerance) {
	t.Helper()
	want := c.Effect(t)
	if len(got) != len(want) {
		t.Errorf("%d effect rows, want %d", len(got), len(want))
	}
	failures := 0
	fail := func(format string, args ...any) {
		t.Helper()
		failures++
		if failures <= 10 {
			t.Errorf(format, args...)
		}
	}
	worst := map[string]float64{}
	for i := 0; i < min(len(got), len(want)); i++ {
		g, w := got[i], want[i]
		k, _ := results.EffectWindow(g.Variant)
		if g.Step != w.Step || g.Layer != w.StartLayer || k != w.Window || g.TokenPosition != w.Position || g.TokenMasked != w.Token || g.Effect == nil {
			fail("row %d: (step %d, layer %d, %s, pos %d, %q), want (step %d, layer %d, window %d, pos %d, %q)",
				i, g.Step, g.Layer, g.Variant, g.TokenPosition, g.TokenMasked, w.Step, w.StartLayer, w.Window, w.Position, w.Token)
			continue
		}
		e := g.Effect
		check := func(name string, gv, wv float64, q golden.Quantity) {
			t.Helper()
			if q.TolAbs <= 0 {
				t.Fatalf("tolerance.json has no effect tolerance for %s", name)
			}
			d := math.Abs(gv - wv)
			if !(d <= q.TolAbs) {
				fail("row %d (step %d, layer %d, window %d, pos %d): %s %v, want %v (|Δ| %.3g > %.3g)",
					i, w.Step, w.StartLayer, w.Window, w.Position, name, gv, wv, d, q.TolAbs)
			}
			worst[name] = max(worst[name], d/q.TolAbs)
		}
		check("kl", e.KL, w.KL, tol.KL)
		check("dlogp", e.DLogP, w.DLogP, tol.DLogP)
		check("tv", e.TV, w.TV, tol.TV)
		check("final_hidden_l2", e.FinalHiddenL2, w.FinalHiddenL2, tol.FinalHiddenL2)
		check("l2_distance", g.L2Distance, w.FinalHiddenL2, tol.FinalHiddenL2)
		if !tol.Unstable(w) && (e.ArgmaxChanged != w.ArgmaxChanged || e.Rank != w.Rank) {
			fail("row %d (step %d, layer %d, window %d, pos %d): argmax_changed %t, rank %d; want %t, %d",
				i, w.Step, w.StartLayer, w.Window, w.Position, e.ArgmaxChanged, e.Rank, w.ArgmaxChanged, w.Rank)
		}
	}
	if failures > 10 {
		t.Errorf("... %d mismatching rows in all", failures)
	}
	t.Logf("%d effect rows; worst |Δ|/tolerance per column: %v", len(got), worst)
}

// CompareEffectMethods checks that two runs' effect rows — the fast path
// and the brute force — agree within the tolerance rule: the same rows,
// values within tol_abs of each other, the same argmax_changed and rank
// except in the unstable rows.
func CompareEffectMethods(t *testing.T, fast, brute []results.Row, tol golden.EffectTolerance) {
	t.Helper()
	if len(fast) != len(brute) {
		t.Fatalf("%d fast effect rows, %d brute-force ones", len(fast), len(brute))
	}
	worst := map[string]float64{}
	for i, f := range fast {
		b := brute[i]
		if f.Step != b.Step || f.Layer != b.Layer || f.Variant != b.Variant || f.TokenPosition != b.TokenPosition {
			t.Fatalf("row %d: (step %d, layer %d, %s, pos %d) fast, (step %d, layer %d, %s, pos %d) brute force",
				i, f.Step, f.Layer, f.Variant, f.TokenPosition, b.Step, b.Layer, b.Variant, b.TokenPosition)
		}
		for _, c := range []struct {
			name     string
			fv, bv   float64
			tolerant golden.Quantity
		}{
			{"kl", f.Effect.KL, b.Effect.KL, tol.KL}, {"dlogp", f.Effect.DLogP, b.Effect.DLogP, tol.DLogP},
			{"tv", f.Effect.TV, b.Effect.TV, tol.TV}, {"final_hidden_l2", f.Effect.FinalHiddenL2, b.Effect.FinalHiddenL2, tol.FinalHiddenL2},
		} {
			d := math.Abs(c.fv - c.bv)
			if !(d <= c.tolerant.TolAbs) {
				t.Errorf("row %d (step %d, layer %d, %s, pos %d): %s fast %v, brute force %v", i, f.Step, f.Layer, f.Variant, f.TokenPosition, c.name, c.fv, c.bv)
			}
			worst[c.name] = max(worst[c.name], d/c.tolerant.TolAbs)
		}
		k, _ := results.EffectWindow(f.Variant)
		unstable := tol.Unstable(golden.EffectRow{Step: f.Step, StartLayer: f.Layer, Window: k, Position: f.TokenPosition})
		if !unstable && (f.Effect.ArgmaxChanged != b.Effect.ArgmaxChanged || f.Effect.Rank != b.Effect.Rank) {
			t.Errorf("row %d: argmax_changed/rank fast %t/%d, brute force %t/%d", i, f.Effect.ArgmaxChanged, f.Effect.Rank, b.Effect.ArgmaxChanged, b.Effect.Rank)
		}
	}
	t.Logf("fast vs brute force: worst |Δ|/tolerance per column: %v", worst)
}
