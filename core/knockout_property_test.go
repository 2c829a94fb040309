package core_test

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/family"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/internal/goldenrun"
	"github.com/vlmask/vlmask/internal/testmodel"
	"github.com/vlmask/vlmask/sdk"
)

// TestFastMatchesRecomputeFloat64 is the property behind --method fast: on
// random tiny models computed in float64, for random groups — single
// tokens, random sets, and groups holding almost all of a head's attention
// (where 1 − mass cancels) — the fast knockout equals rerunning the whole
// layer with the group masked, at the prompt step and at a KV-cache step
// (Gemma 3: sliding-window layers, whose keys outside the window the final
// query does not see).
func TestFastMatchesRecomputeFloat64(t *testing.T) {
	rt := goldenrun.Runtime(t)
	noVision := false
	families := []string{testmodel.FamilyQwen3VL, testmodel.FamilyQwen3, testmodel.FamilyQwen3VL, testmodel.FamilyQwen3,
		testmodel.FamilyQwen2VL, testmodel.FamilyQwen25VL, testmodel.FamilyLlava, testmodel.FamilyGemma3, testmodel.FamilyGemma3}
	for i, fam := range families {
		seed := uint64(i + 1)
		dir := t.TempDir()
		if err := testmodel.Generate(dir, testmodel.Options{Family: fam, Seed: seed, Vision: &noVision}); err != nil {
			t.Fatal(err)
		}
		m, err := family.LoadDir(rt, dir, decoder.Options{DType: graph.Float64, Recompute: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		rng := rand.New(rand.NewPCG(seed, 99))
		checkModel(t, m, rng)
	}
}

func checkModel(t *testing.T, m *decoder.Model, rng *rand.Rand) {
	t.Helper()
	ctx := context.Background()
	spec := m.Spec()
	n := 8 + rng.IntN(24)
	p := &core.Prompt{}
	for i := 0; i < n; i++ {
		p.IDs = append(p.IDs, rng.IntN(500))
		for r := range p.Positions {
			p.Positions[r] = append(p.Positions[r], int64(i))
		}
	}
	seq, err := m.Start(ctx, p, core.SequenceOptions{KeepLayerInputs: true})
	if err != nil {
		t.Fatal(err)
	}
	defer seq.Close()
	sinks := 0
	observe := func(pr core.LayerProbe) error {
		groups := randomGroups(rng, pr, spec)
		fast, err := core.KnockoutVectors(ctx, pr, spec, groups, core.MethodFast)
		if err != nil {
			return err
		}
		slow, err := core.KnockoutVectors(ctx, pr, spec, groups, core.MethodRecompute)
		if err != nil {
			return err
		}
		for i := range groups {
			for h := 0; h < spec.NumHeads; h++ {
				if fast.Mass[i*spec.NumHeads+h] > 0.9 {
					sinks++
				}
			}
		}
		for _, part := range []struct {
			name       string
			fast, slow []float64
		}{{"heads", fast.Heads, slow.Heads}, {"attn", fast.Attn, slow.Attn}, {"update", fast.Update, slow.Update}} {
			if len(part.fast) != len(part.slow) {
				t.Fatalf("layer %d %s: %d vs %d values", pr.Layer(), part.name, len(part.fast), len(part.slow))
			}
			for k := range part.fast {
				if d := math.Abs(part.fast[k] - part.slow[k]); d > 1e-10*math.Max(1, math.Abs(part.slow[k])) {
					t.Fatalf("layer %d (seq %d) %s[%d]: fast %v, recompute %v (|Δ| %g)", pr.Layer(), pr.SeqLen(), part.name, k, part.fast[k], part.slow[k], d)
				}
			}
		}
		return nil
	}
	if _, err := seq.Forward(ctx, observe); err != nil {
		t.Fatal(err)
	}
	if err := seq.Append(rng.IntN(500)); err != nil {
		t.Fatal(err)
	}
	if _, err := seq.Forward(ctx, observe); err != nil {
		t.Fatal(err)
	}
	if sinks == 0 {
		t.Error("no group held most of a head's attention: the sink path went untested")
	}
}

// randomGroups draws singletons, random sets, and for a random head the
// smallest set of keys holding 99% of its attention, plus everything but
// the least attended key.
func randomGroups(rng *rand.Rand, pr core.LayerProbe, spec core.Spec) []sdk.Group {
	s := pr.SeqLen()
	var groups []sdk.Group
	add := func(pos []int) {
		sort.Ints(pos)
		groups = append(groups, sdk.Group{Label: "g", Positions: pos})
	}
	for i := 0; i < 3; i++ {
		add([]int{rng.IntN(s)})
	}
	if s > 2 {
		add(rng.Perm(s)[:1+rng.IntN(s-1)])
	}
	h := rng.IntN(spec.NumHeads)
	scores := pr.Scores()[h*s : (h+1)*s]
	order := make([]int, s)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return scores[order[a]] > scores[order[b]] })
	w := softmax(scores)
	var mass float64
	var heavy []int
	for _, j := range order {
		if mass >= 0.99 || len(heavy) == s-1 {
			break
		}
		heavy = append(heavy, j)
		mass += w[j]
	}
	add(heavy)
	if s > 1 {
		add(append([]int(nil), order[:s-1]...))
	}
	return groups
}

func softmax(x []float64) []float64 {
	peak := math.Inf(-1)
	for _, v := range x {
		peak = math.Max(peak, v)
	}
	out := make([]float64, len(x))
	var sum float64
	for i, v := range x {
		out[i] = math.Exp(v - peak)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}
