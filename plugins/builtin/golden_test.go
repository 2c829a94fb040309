package builtin_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/plugins/builtin"
	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/sdktest"
)

// goldenDir is the repository's golden data (testdata/golden).
func goldenDir(t *testing.T) string { return golden.Dir(t) }

// The golden README, "Masked positions, per mask_mode, recomputed for each
// step's sequence": vision = the <|image_pad|> positions; text = every
// other position, specials, vision markers and generated tokens included;
// both = all. The case's own mode is also checked against the knockout
// table's rows.
func TestGoldenMaskedPositions(t *testing.T) {
	golden := goldenDir(t)
	cases, err := filepath.Glob(filepath.Join(golden, "*", "expected", "tokens.json"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases under %s (%v)", golden, err)
	}
	for _, tokensPath := range cases {
		caseDir := filepath.Dir(filepath.Dir(tokensPath))
		t.Run(filepath.Base(caseDir), func(t *testing.T) {
			t.Parallel()
			prompt := sdktest.LoadSequence(t, tokensPath)
			var info struct {
				MaskMode string `json:"mask_mode"`
			}
			readJSON(t, filepath.Join(caseDir, "input", "case.json"), &info)
			var gen struct {
				AnalysisSteps int `json:"analysis_steps"`
				Steps         []struct {
					ID   int    `json:"id"`
					Text string `json:"text"`
				} `json:"steps"`
			}
			readJSON(t, filepath.Join(caseDir, "expected", "generation.json"), &gen)
			table := knockoutPositions(t, filepath.Join(caseDir, "expected", "knockout_f64.csv"))
			if len(table) != gen.AnalysisSteps || gen.AnalysisSteps == 0 {
				t.Fatalf("knockout table has %d steps, generation.json %d", len(table), gen.AnalysisSteps)
			}

			for step := 0; step < gen.AnalysisSteps; step++ {
				seq := stepSequence(prompt, step, gen.Steps)
				for _, mode := range []string{"text", "vision", "both"} {
					strategy, ok := builtin.Masking("masking-" + mode)
					if !ok {
						t.Fatalf("no built-in masking-%s", mode)
					}
					resp, err := strategy.Mask(context.Background(), sdk.MaskRequest{Sequence: seq})
					if err != nil {
						t.Fatalf("masking-%s: %v", mode, err)
					}
					if err := sdk.ValidateMask(seq, resp); err != nil {
						t.Fatalf("masking-%s: %v", mode, err)
					}
					var got []int
					for _, g := range resp.Groups {
						got = append(got, g.Positions...)
						tok := seq.Tokens[g.Positions[0]]
						if tok.Modality == sdk.Text && g.Label != tok.Text {
							t.Errorf("step %d masking-%s: position %d labelled %q, want its text %q", step, mode, tok.Position, g.Label, tok.Text)
						}
					}
					if want := byRule(seq, mode); !slices.Equal(got, want) {
						t.Errorf("step %d masking-%s: positions %v, want %v", step, mode, got, want)
					}
					if mode == info.MaskMode {
						if want := table[step]; !slices.Equal(got, want) {
							t.Errorf("step %d masking-%s: positions %v, knockout table has %v", step, mode, got, want)
						}
					}
				}
			}
		})
	}
}

// stepSequence is the prompt plus the first step generated tokens.
func stepSequence(prompt sdk.Sequence, step int, generated []struct {
	ID   int    `json:"id"`
	Text string `json:"text"`
}) sdk.Sequence {
	seq := prompt
	seq.Tokens = slices.Clone(prompt.Tokens)
	seq.Step = step
	for k := 0; k < step; k++ {
		seq.Tokens = append(seq.Tokens, sdk.Token{
			Position: len(seq.Tokens), ID: generated[k].ID, Text: generated[k].Text, Modality: sdk.Text,
			ImageIndex: -1, PatchRow: -1, PatchCol: -1, Generated: true,
		})
	}
	return seq
}

func byRule(seq sdk.Sequence, mode string) []int {
	var out []int
	for i, tok := range seq.Tokens {
		isPad := tok.Modality == sdk.Image
		if mode == "both" || (mode == "vision") == isPad {
			out = append(out, i)
		}
	}
	return out
}

// knockoutPositions reads, per step, the masked positions of layer 0 in
// row order (each position once).
func knockoutPositions(t *testing.T, path string) map[int][]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	out := map[int][]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if rec[col["layer"]] != "0" {
			continue
		}
		step, err1 := strconv.Atoi(rec[col["generation_step"]])
		pos, err2 := strconv.Atoi(rec[col["token_position"]])
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: bad row %v", path, rec)
		}
		if ps := out[step]; len(ps) == 0 || ps[len(ps)-1] != pos {
			out[step] = append(ps, pos)
		}
	}
	return out
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
