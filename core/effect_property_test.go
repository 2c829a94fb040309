package core_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/family"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/goldenrun"
	"github.com/vlmask/vlmask/internal/testmodel"
	"github.com/vlmask/vlmask/sdk"
)

// TestEffectFastMatchesBruteForceFloat64 is the property behind the
// propagated knockout's fast path: on random tiny models of every family
// computed in float64, at the prompt step and at a KV-cache step, for
// single tokens, random sets, the final position itself and all but one
// position, at every start layer with windows 1, 2 and 3, carrying the
// final row alone through the later layers gives the output of a whole
// blocked forward. Gemma 3's sliding-window layers hide early keys from
// the final query: blocking them must change nothing, exactly.
func TestEffectFastMatchesBruteForceFloat64(t *testing.T) {
	rt := goldenrun.Runtime(t)
	noVision := false
	families := []string{testmodel.FamilyQwen3VL, testmodel.FamilyQwen3, testmodel.FamilyQwen2VL, testmodel.FamilyQwen25VL,
		testmodel.FamilyLlava, testmodel.FamilyGemma3}
	for i, fam := range families {
		t.Run(fam, func(t *testing.T) {
			seed := uint64(i + 1)
			dir := t.TempDir()
			if err := testmodel.Generate(dir, testmodel.Options{Family: fam, Seed: seed, Vision: &noVision}); err != nil {
				t.Fatal(err)
			}
			m, err := family.LoadDir(rt, dir, decoder.Options{DType: graph.Float64, Recompute: true, Propagate: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { m.Close() })
			rng := rand.New(rand.NewPCG(seed, 77))
			n := 12 + rng.IntN(12)
			in := fakeInputIDs(rng, n)
			strategy := randomSets{seed: seed}
			effects := map[core.Method][]results.Row{}
			for _, method := range []core.Method{core.MethodFast, core.MethodRecompute} {
				rows := &collectRows{}
				a := &core.Analyzer{Model: m, Strategy: strategy, Rows: rows, GeneratedToken: fakeToken}
				if _, err := a.Run(context.Background(), in, core.Options{NumTokens: 2, Method: method, SkipPerHead: true, EffectWindows: []int{3, 1, 2, 1}}); err != nil {
					t.Fatal(err)
				}
				for _, r := range rows.rows {
					if _, ok := results.EffectWindow(r.Variant); ok {
						effects[method] = append(effects[method], r)
					}
				}
			}
			fast, brute := effects[core.MethodFast], effects[core.MethodRecompute]
			layers := m.Spec().NumLayers
			if want := 2 * layers * 3 * strategy.groups(); len(fast) != want || len(brute) != want {
				t.Fatalf("%d fast and %d brute-force effect rows, want %d", len(fast), len(brute), want)
			}
			unseen, changed := 0, 0
			for k, f := range fast {
				b := brute[k]
				if f.Step != b.Step || f.Layer != b.Layer || f.Variant != b.Variant || f.GroupLabel != b.GroupLabel {
					t.Fatalf("row %d: fast %d/%d/%s/%s, brute force %d/%d/%s/%s", k, f.Step, f.Layer, f.Variant, f.GroupLabel, b.Step, b.Layer, b.Variant, b.GroupLabel)
				}
				fe, be := *f.Effect, *b.Effect
				if be == (results.Effect{}) {
					unseen++
					if fe != be {
						t.Errorf("row %d (step %d, layer %d, %s, group %s): brute force changes nothing, fast %+v", k, f.Step, f.Layer, f.Variant, f.GroupLabel, fe)
					}
					continue
				}
				if be.Rank > 0 {
					changed++
				}
				for _, c := range []struct {
					name string
					f, b float64
				}{{"kl", fe.KL, be.KL}, {"dlogp", fe.DLogP, be.DLogP}, {"tv", fe.TV, be.TV}, {"final_hidden_l2", fe.FinalHiddenL2, be.FinalHiddenL2},
					{"cosine_distance", f.CosineDistance, b.CosineDistance}} {
					if d := math.Abs(c.f - c.b); d > 1e-10*math.Max(1, math.Abs(c.b)) {
						t.Errorf("row %d (step %d, layer %d, %s, group %s): %s fast %v, brute force %v (|Δ| %g)", k, f.Step, f.Layer, f.Variant, f.GroupLabel, c.name, c.f, c.b, d)
					}
				}
				if fe.Rank != be.Rank || fe.ArgmaxChanged != be.ArgmaxChanged {
					t.Errorf("row %d: rank/argmax_changed fast %d/%t, brute force %d/%t", k, fe.Rank, fe.ArgmaxChanged, be.Rank, be.ArgmaxChanged)
				}
			}
			t.Logf("%d rows, %d changing nothing, %d moving the greedy token down", len(fast), unseen, changed)
			if fam == testmodel.FamilyGemma3 && unseen == 0 {
				t.Error("no group outside a sliding window: the unseen rule went untested")
			}
		})
	}
}

// fakeInputIDs is a text prompt of n random ids with plain positions.
func fakeInputIDs(rng *rand.Rand, n int) core.Input {
	p := &core.Prompt{}
	in := core.Input{Prompt: p}
	for i := 0; i < n; i++ {
		id := rng.IntN(500)
		p.IDs = append(p.IDs, id)
		for r := range p.Positions {
			p.Positions[r] = append(p.Positions[r], int64(i))
		}
		in.Tokens = append(in.Tokens, fakeToken(i, id))
	}
	return in
}

// randomSets masks, at every step, the first position, a random single
// one, the final position, a random set and everything but the final
// position.
type randomSets struct {
	sdk.MaskingBase
	seed uint64
}

func (randomSets) groups() int { return 5 }

func (randomSets) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: "random-sets", Version: "0", Kind: sdk.KindMasking}, nil
}

func (s randomSets) Mask(_ context.Context, req sdk.MaskRequest) (sdk.MaskResponse, error) {
	n := len(req.Sequence.Tokens)
	rng := rand.New(rand.NewPCG(s.seed, uint64(req.Sequence.Step)))
	var set, allButLast []int
	for j := 0; j < n; j++ {
		if rng.IntN(3) == 0 {
			set = append(set, j)
		}
		if j < n-1 {
			allButLast = append(allButLast, j)
		}
	}
	if len(set) == 0 {
		set = []int{n / 2}
	}
	groups := [][]int{{0}, {rng.IntN(n)}, {n - 1}, set, allButLast}
	var resp sdk.MaskResponse
	for i, g := range groups {
		resp.Groups = append(resp.Groups, sdk.Group{Label: fmt.Sprintf("g%d", i), Positions: g})
	}
	return resp, nil
}
