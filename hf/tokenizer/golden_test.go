package tokenizer

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// sharedQwen3 is the Qwen3 tokenizer shared by this package's tests.
var sharedQwen3 qwen3Cache

// TestQwen3Cases checks the 232 reference strings of tokenizer_qwen3:
// ids, per-token strings and the decoded text, against Hugging Face's Rust
// tokenizer.
func TestQwen3Cases(t *testing.T) {
	tok := sharedQwen3.load(t)
	var cases []struct {
		Text    string   `json:"text"`
		IDs     []int    `json:"ids"`
		Tokens  []string `json:"tokens"`
		Decoded string   `json:"decoded"`
	}
	readJSON(t, filepath.Join(goldenDir(t), "tokenizer_qwen3", "cases.json"), &cases)
	if len(cases) != 232 {
		t.Fatalf("cases.json has %d cases, want 232", len(cases))
	}
	for i, c := range cases {
		ids, err := tok.Encode(c.Text)
		if err != nil {
			t.Errorf("case %d %q: encode: %v", i, c.Text, err)
			continue
		}
		if !slices.Equal(ids, c.IDs) && !(len(ids) == 0 && len(c.IDs) == 0) {
			t.Errorf("case %d %q: ids\n got %v\nwant %v", i, c.Text, ids, c.IDs)
		}
		for j, id := range c.IDs {
			if s, ok := tok.TokenString(id); !ok || s != c.Tokens[j] {
				t.Errorf("case %d: TokenString(%d) = %q, %v; want %q", i, id, s, ok, c.Tokens[j])
			}
			if back, ok := tok.TokenID(c.Tokens[j]); !ok || back != id {
				t.Errorf("case %d: TokenID(%q) = %d, %v; want %d", i, c.Tokens[j], back, ok, id)
			}
		}
		if got := tok.Decode(c.IDs); got != c.Decoded {
			t.Errorf("case %d: Decode = %q, want %q", i, got, c.Decoded)
		}
	}
}

// TestQwen3Vocabulary checks the sizes and added tokens of the real file.
func TestQwen3Vocabulary(t *testing.T) {
	tok := sharedQwen3.load(t)
	if got := tok.VocabSize(); got != 151669 {
		t.Errorf("VocabSize = %d, want 151669", got)
	}
	if got := len(tok.AddedTokens()); got != 26 {
		t.Errorf("%d added tokens, want 26", got)
	}
	specials := tok.SpecialTokens()
	if len(specials) != 14 || specials[0].Content != "<|endoftext|>" || specials[0].ID != 151643 {
		t.Errorf("SpecialTokens = %+v, want 14 starting with <|endoftext|>=151643", specials)
	}
	for _, c := range []struct {
		s       string
		id      int
		special bool
	}{
		{"<|im_start|>", 151644, true},
		{"<|image_pad|>", 151655, true},
		{"<think>", 151667, false},
		{"Ġthe", 279, false},
	} {
		id, ok := tok.TokenID(c.s)
		if !ok || id != c.id {
			t.Errorf("TokenID(%q) = %d, %v; want %d", c.s, id, ok, c.id)
		}
		if tok.IsSpecial(id) != c.special {
			t.Errorf("IsSpecial(%d) = %v, want %v", id, !c.special, c.special)
		}
	}
}

// endToEndCase is what the golden end-to-end cases record about tokens.
type endToEndCase struct {
	dir       string
	tok       *Tokenizer
	rendered  string
	inputIDs  []int
	gridTHW   [][]int
	tokens    []struct{ Text string }
	genIDs    []int
	genTokens []string
	genText   string
}

// loadEndToEndCases loads every Qwen case directory under the golden data
// (byte-level BPE, <|image_pad|>; the LLaVA and Gemma 3 ones are checked by
// spm_golden_test.go).
func loadEndToEndCases(t *testing.T) []endToEndCase {
	t.Helper()
	golden := goldenDir(t)
	dirs, err := filepath.Glob(filepath.Join(golden, "qwen*", "checkpoint", FileName))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases with a checkpoint under %s (%v)", golden, err)
	}
	var cases []endToEndCase
	for _, tj := range dirs {
		dir := filepath.Dir(filepath.Dir(tj))
		c := endToEndCase{dir: dir}
		var err error
		if c.tok, err = Load(tj); err != nil {
			t.Fatalf("%v", err)
		}
		rendered, err := os.ReadFile(filepath.Join(dir, "expected", "prompt_rendered.txt"))
		if err != nil {
			t.Fatalf("read rendered prompt: %v", err)
		}
		c.rendered = string(rendered)
		var ids struct {
			InputIDs []int   `json:"input_ids"`
			Grid     [][]int `json:"image_grid_thw"`
		}
		readJSON(t, filepath.Join(dir, "expected", "input_ids.json"), &ids)
		c.inputIDs, c.gridTHW = ids.InputIDs, ids.Grid
		readJSON(t, filepath.Join(dir, "expected", "tokens.json"), &c.tokens)
		var gen struct {
			IDs    []int    `json:"generated_ids"`
			Tokens []string `json:"generated_tokens"`
			Text   string   `json:"generated_text"`
		}
		readJSON(t, filepath.Join(dir, "expected", "generation.json"), &gen)
		c.genIDs, c.genTokens, c.genText = gen.IDs, gen.Tokens, gen.Text
		cases = append(cases, c)
	}
	return cases
}

// TestEndToEndCases checks every golden case: the rendered prompt encodes,
// after <|image_pad|> expansion, to the case's input_ids; every prompt token
// decodes alone to tokens.json's text; generated ids decode to the recorded
// texts.
func TestEndToEndCases(t *testing.T) {
	for _, c := range loadEndToEndCases(t) {
		t.Run(filepath.Base(c.dir), func(t *testing.T) {
			ids, err := c.tok.Encode(c.rendered)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			imagePad, ok := c.tok.TokenID("<|image_pad|>")
			if !ok {
				t.Fatal("no <|image_pad|> token")
			}
			expanded, err := expandImagePads(ids, imagePad, c.gridTHW)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(expanded, c.inputIDs) {
				t.Errorf("input_ids\n got %v\nwant %v", expanded, c.inputIDs)
			}
			if len(c.tokens) != len(c.inputIDs) {
				t.Fatalf("tokens.json has %d entries, input_ids %d", len(c.tokens), len(c.inputIDs))
			}
			for pos, id := range c.inputIDs {
				if got := c.tok.DecodeToken(id); got != c.tokens[pos].Text {
					t.Errorf("pos %d: DecodeToken(%d) = %q, want %q", pos, id, got, c.tokens[pos].Text)
				}
			}
			for i, id := range c.genIDs {
				if got := c.tok.DecodeToken(id); got != c.genTokens[i] {
					t.Errorf("generated %d: DecodeToken(%d) = %q, want %q", i, id, got, c.genTokens[i])
				}
			}
			if got := c.tok.Decode(c.genIDs); got != c.genText {
				t.Errorf("Decode(generated) = %q, want %q", got, c.genText)
			}
		})
	}
}

// expandImagePads replaces the i-th <|image_pad|> with t·h·w/4 copies, as
// the Qwen processors do (merge size 2).
func expandImagePads(ids []int, pad int, grids [][]int) ([]int, error) {
	var out []int
	image := 0
	for _, id := range ids {
		if id != pad {
			out = append(out, id)
			continue
		}
		if image >= len(grids) || len(grids[image]) != 3 {
			return nil, fmt.Errorf("more <|image_pad|> tokens than the %d image grids", len(grids))
		}
		g := grids[image]
		for range g[0] * g[1] * g[2] / 4 {
			out = append(out, pad)
		}
		image++
	}
	if image != len(grids) {
		return nil, fmt.Errorf("%d <|image_pad|> tokens for %d image grids", image, len(grids))
	}
	return out, nil
}
