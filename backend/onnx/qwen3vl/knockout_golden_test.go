package qwen3vl

import (
	"context"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/sdk"
)

// rowCollector keeps every row in memory.
type rowCollector struct{ rows []results.Row }

func (c *rowCollector) Write(rows []results.Row) error {
	c.rows = append(c.rows, rows...)
	return nil
}

// modeStrategy masks single positions by the golden README's rule: vision =
// the image tokens, text = every other position, both = all.
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

func TestGoldenKnockout(t *testing.T) {
	rt := runtimeForTest(t)
	for _, dev := range testDevices() {
		for _, c := range golden.Cases(t, "qwen3_vl_*") {
			testGoldenKnockout(t, rt, dev, c)
		}
	}
}

func testGoldenKnockout(t *testing.T, rt *ort.Runtime, dev ort.Device, c golden.Case) {
	{
		m, err := Load(rt, c.Checkpoint(), Options{Recompute: true, Session: ort.SessionOptions{Device: dev}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		var gen struct {
			IDs   []int    `json:"generated_ids"`
			Texts []string `json:"generated_tokens"`
		}
		golden.ReadJSON(t, c.Expected("generation.json"), &gen)
		texts := map[int]string{}
		for i, id := range gen.IDs {
			texts[id] = gen.Texts[i]
		}
		for _, method := range []core.Method{core.MethodFast, core.MethodRecompute} {
			t.Run(dev.String()+"/"+c.Name+"/"+string(method), func(t *testing.T) {
				rows := &rowCollector{}
				a := &core.Analyzer{
					Model:    m,
					Strategy: modeStrategy{mode: c.Info.MaskMode},
					Metrics:  []sdk.Metric{testDistances{}},
					GeneratedToken: func(pos, id int) sdk.Token {
						return sdk.Token{Position: pos, ID: id, Text: texts[id], Modality: sdk.Text, ImageIndex: -1, PatchRow: -1, PatchCol: -1, Generated: true}
					},
					Rows: rows,
				}
				res, err := a.Run(context.Background(), core.Input{Prompt: goldenPrompt(t, c), Tokens: c.Tokens(t).Tokens}, core.Options{
					NumTokens: c.Info.NumTokens, Method: method, SaveAttentionWeights: true,
					StopTokenIDs: m.Config().StopTokenIDs(),
				})
				if err != nil {
					t.Fatal(err)
				}
				c.CompareKnockout(t, rows.rows)
				for i, id := range gen.IDs {
					if i >= len(res.GeneratedIDs) || res.GeneratedIDs[i] != id {
						t.Fatalf("generated %v, want %v", res.GeneratedIDs, gen.IDs)
					}
				}
			})
		}
	}
}
