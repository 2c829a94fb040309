package goldenmodel

import (
	"context"
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
	var gen generationJSON
	golden.ReadJSON(t, c.Expected("generation.json"), &gen)
	texts := map[int]string{}
	for i, id := range gen.GeneratedIDs {
		texts[id] = gen.GeneratedTokens[i]
	}
	rows := &rowCollector{}
	a := &core.Analyzer{
		Model:    m,
		Strategy: modeStrategy{mode: c.Info.MaskMode},
		Metrics:  []sdk.Metric{distances{}},
		GeneratedToken: func(pos, id int) sdk.Token {
			return sdk.Token{Position: pos, ID: id, Text: texts[id], Modality: sdk.Text, ImageIndex: -1, PatchRow: -1, PatchCol: -1, Generated: true}
		},
		Rows: rows,
	}
	res, err := a.Run(context.Background(), core.Input{Prompt: Prompt(t, c), Tokens: c.Tokens(t).Tokens}, core.Options{
		NumTokens: c.Info.NumTokens, Method: method, SaveAttentionWeights: true, StopTokenIDs: stop,
	})
	if err != nil {
		t.Fatal(err)
	}
	c.CompareKnockout(t, rows.rows)
	for i, id := range gen.GeneratedIDs {
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
