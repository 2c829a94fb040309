package goldenmodel

import (
	"context"
	"fmt"
	"testing"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/sdk"
)

// CheckKnockout runs the knockout analysis of c on m by method — the
// case's mask mode, every variant, attention weights — and compares the
// rows with expected/knockout_f64.csv and the greedy tokens with
// generation.json. stop are the model's stop tokens.
func CheckKnockout(t *testing.T, m core.Model, c golden.Case, method core.Method, stop []int) {
	t.Helper()
	checkKnockout(t, m, c, method, stop, 1, c.Info.NumTokens)
}

// CheckKnockoutScaled is CheckKnockout under the tolerance rule scaled by
// ratio (see CheckForwardScaled), over the first steps only: steps the
// reference reaches through greedy tokens whose logit gap is wider than
// twice the scaled tolerance, so the half-precision run generates the same
// tokens and analyses the same sequences.
func CheckKnockoutScaled(t *testing.T, m core.Model, c golden.Case, method core.Method, stop []int, ratio float64) {
	t.Helper()
	tol := c.Tolerance(t).Scaled(ratio)
	f := c.Tensors(t)
	steps := 1
	for s := 0; s+1 < c.Info.NumTokens; s++ {
		ref, _ := golden.Float64s(t, f, fmt.Sprintf("f64.step%d.logits_last", s))
		if !stableTop(ref, 2, 2*tol.Quantity(t, "step_logits_last")) {
			break
		}
		steps++
	}
	t.Logf("comparing %d of %d steps", steps, c.Info.NumTokens)
	checkKnockout(t, m, c, method, stop, ratio, steps)
}

func checkKnockout(t *testing.T, m core.Model, c golden.Case, method core.Method, stop []int, ratio float64, steps int) {
	t.Helper()
	a, rows, gen := caseAnalyzer(t, m, c)
	res, err := a.Run(context.Background(), core.Input{Prompt: Prompt(t, c), Tokens: c.Tokens(t).Tokens}, core.Options{
		NumTokens: steps, Method: method, SaveAttentionWeights: true, StopTokenIDs: stop,
	})
	if err != nil {
		t.Fatal(err)
	}
	c.CompareKnockoutRows(t, rows.rows, func(w golden.KnockoutRow) bool { return w.Step < steps }, c.Tolerance(t).Scaled(ratio))
	for i, id := range gen.GeneratedIDs[:min(steps, len(gen.GeneratedIDs))] {
		if i >= len(res.GeneratedIDs) || res.GeneratedIDs[i] != id {
			t.Fatalf("generated %v, want %v", res.GeneratedIDs, gen.GeneratedIDs)
		}
	}
}

// rowCollector keeps every row in memory.
type rowCollector struct{ rows []results.Row }

func (c *rowCollector) Write(rows []results.Row) error {
	c.rows = append(c.rows, rows...)
	return nil
}

// modeStrategy masks single positions by the golden README's rule: vision
// = the image tokens, text = every other position, both = all.
type modeStrategy struct {
	sdk.MaskingBase
	mode string
}

func (s modeStrategy) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: "golden-" + s.mode, Version: "0", Kind: sdk.KindMasking}, nil
}

func (s modeStrategy) Mask(_ context.Context, req sdk.MaskRequest) (sdk.MaskResponse, error) {
	var resp sdk.MaskResponse
	for _, tok := range req.Sequence.Tokens {
		image := tok.Modality == sdk.Image
		if s.mode == "both" || (s.mode == "vision") == image {
			resp.Groups = append(resp.Groups, sdk.Group{Label: tok.Text, Positions: []int{tok.Position}})
		}
	}
	return resp, nil
}

// caseAnalyzer is the analyzer the golden checks run on case c: its mask
// mode's strategy, the built-in distances, generated tokens named as the
// reference's generation.json names them, and the rows collected; and the
// reference's generation.
func caseAnalyzer(t *testing.T, m core.Model, c golden.Case) (*core.Analyzer, *rowCollector, generationJSON) {
	t.Helper()
	var gen generationJSON
	golden.ReadJSON(t, c.Expected("generation.json"), &gen)
	texts := map[int]string{}
	for i, id := range gen.GeneratedIDs {
		texts[id] = gen.GeneratedTokens[i]
	}
	rows := &rowCollector{}
	return &core.Analyzer{
		Model:    m,
		Strategy: modeStrategy{mode: c.Info.MaskMode},
		Metrics:  []sdk.Metric{distances{}},
		GeneratedToken: func(pos, id int) sdk.Token {
			return sdk.Token{Position: pos, ID: id, Text: texts[id], Modality: sdk.Text, ImageIndex: -1, PatchRow: -1, PatchCol: -1, Generated: true}
		},
		Rows: rows,
	}, rows, gen
}
