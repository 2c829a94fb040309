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
// tensors: image embeddings and per-layer image features, every layer's
// input and output at every prompt position, all prompt logits, then each
// greedy step's logits, token and top-5 probabilities.
func CheckForward(t *testing.T, m *decoder.Model, c golden.Case) {
	t.Helper()
	tol := c.Tolerance(t)
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
		golden.Compare(t, fmt.Sprintf("step %d logits", s), logits, want, tol.Quantity(t, "step_logits_last"))
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
