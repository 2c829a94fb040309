package goldenmodel

import (
	"context"
	"fmt"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/internal/golden"
)

// generationJSON is expected/generation.json.
type generationJSON struct {
	GeneratedIDs    []int    `json:"generated_ids"`
	GeneratedTokens []string `json:"generated_tokens"`
	Steps           []struct {
		ID   int `json:"id"`
		Top5 []struct {
			ID   int     `json:"id"`
			Prob float64 `json:"prob"`
		} `json:"top5"`
	} `json:"steps"`
}

// CheckForward compares m's forward pass on c's prompt with the golden
// tensors: the vision tower's features (when the case has them: the
// input of a separate projector), image embeddings and per-layer image
// features, every layer's
// input and output at every prompt position, all prompt logits, then each
// greedy step's logits, token and top-5 probabilities.
func CheckForward(t *testing.T, m *decoder.Model, c golden.Case) {
	t.Helper()
	checkForward(t, m, c, 1)
}

// CheckForwardScaled is CheckForward under the tolerance rule scaled for a
// computation ratio times less precise than float32 (golden.BFloat16Ratio
// for bfloat16 products). Greedy tokens and top-5 ids are compared only
// where the reference's logit gap is wider than twice the scaled
// tolerance, so that rounding cannot flip them.
func CheckForwardScaled(t *testing.T, m *decoder.Model, c golden.Case, ratio float64) {
	t.Helper()
	checkForward(t, m, c, ratio)
}

func checkForward(t *testing.T, m *decoder.Model, c golden.Case, ratio float64) {
	t.Helper()
	tol := c.Tolerance(t).Scaled(ratio)
	f := c.Tensors(t)
	p := Prompt(t, c)
	ctx := context.Background()

	for k, im := range p.Images {
		if k > 0 {
			break // the golden tensors hold the first image's features
		}
		feat, err := m.EncodeImage(ctx, im)
		if err != nil {
			t.Fatal(err)
		}
		if f.Has("f64.vision_features") {
			want, shape := golden.Float64s(t, f, "f64.vision_features")
			if feat.FeatureWidth != int(shape[len(shape)-1]) {
				t.Errorf("vision features %d wide, want %v", feat.FeatureWidth, shape)
			}
			golden.Compare(t, "vision_features", feat.Features, want, tol.Quantity(t, "vision_features"))
		}
		want, _ := golden.Float64s(t, f, "f64.image_embeds")
		golden.Compare(t, "image_embeds", feat.Embeds, want, tol.Quantity(t, "image_embeds"))
		for i, add := range feat.LayerAdds {
			want, _ := golden.Float64s(t, f, fmt.Sprintf("f64.deepstack_%d", i))
			golden.Compare(t, fmt.Sprintf("deepstack_%d", i), add, want, tol.Quantity(t, "deepstack"))
		}
	}

	seq, err := m.Start(ctx, p, core.SequenceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer seq.Close()
	var lastOutputs []float64
	layerTol := tol.Quantity(t, "layer_io")
	logits, err := seq.Forward(ctx, func(pr core.LayerProbe) error {
		l := pr.Layer()
		want, _ := golden.Float64s(t, f, fmt.Sprintf("f64.layer%d.input", l))
		golden.Compare(t, fmt.Sprintf("layer %d input", l), pr.NewInputs(), want, layerTol)
		want, _ = golden.Float64s(t, f, fmt.Sprintf("f64.layer%d.output", l))
		golden.Compare(t, fmt.Sprintf("layer %d output", l), pr.NewOutputs(), want, layerTol)
		lastOutputs = append([]float64(nil), pr.NewOutputs()...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := m.Logits(lastOutputs)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := golden.Float64s(t, f, "f64.logits")
	golden.Compare(t, "logits (every prompt position)", all, want, tol.Quantity(t, "logits"))

	var gen generationJSON
	golden.ReadJSON(t, c.Expected("generation.json"), &gen)
	for s, st := range gen.Steps {
		if s > 0 {
			if err := seq.Append(gen.Steps[s-1].ID); err != nil {
				t.Fatal(err)
			}
			if logits, err = seq.Forward(ctx, nil); err != nil {
				t.Fatal(err)
			}
		}
		want, _ := golden.Float64s(t, f, fmt.Sprintf("f64.step%d.logits_last", s))
		stepTol := tol.Quantity(t, "step_logits_last")
		golden.Compare(t, fmt.Sprintf("step %d logits", s), logits, want, stepTol)
		if ratio > 1 && !stableTop(want, 6, 2*stepTol) {
			t.Logf("step %d: the reference's top logits are within twice the tolerance of each other; ids not compared, and later steps neither", s)
			return
		}
		if got := core.Argmax(logits); got != st.ID {
			t.Errorf("step %d: greedy token %d, want %d", s, got, st.ID)
		}
		top := core.TopK(logits, 5)
		for k, w := range st.Top5 {
			if top[k].ID != w.ID {
				t.Errorf("step %d top5[%d]: id %d, want %d", s, k, top[k].ID, w.ID)
			}
			golden.Compare(t, fmt.Sprintf("step %d top5[%d] prob", s, k), []float64{top[k].Prob}, []float64{w.Prob}, tol.Quantity(t, "top5_prob"))
		}
	}
}

// stableTop says whether the k largest logits of ref are each more than
// gap apart from the next, so an error below gap/2 cannot reorder them.
func stableTop(ref []float64, k int, gap float64) bool {
	top := core.TopK(ref, k)
	vals := make([]float64, len(top))
	for i, c := range top {
		vals[i] = ref[c.ID]
	}
	for i := 0; i+1 < len(vals); i++ {
		if vals[i]-vals[i+1] <= gap {
			return false
		}
	}
	return true
}

// CheckFloat64Logits compares a float64 model's step-0 logits with the
// golden float64 ones. They differ only where transformers itself computes
// in float32 even in its float64 run (RMSNorm, RoPE tables): by at most
// 1.1e-6 on the golden cases, per the golden README; limit is the bound
// to check.
func CheckFloat64Logits(t *testing.T, m *decoder.Model, c golden.Case, limit float64) {
	t.Helper()
	f := c.Tensors(t)
	seq, err := m.Start(context.Background(), Prompt(t, c), core.SequenceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer seq.Close()
	logits, err := seq.Forward(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := golden.Float64s(t, f, "f64.step0.logits_last")
	golden.Compare(t, "float64 step 0 logits", logits, want, limit)
}
