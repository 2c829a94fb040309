package tokenizer

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestSentencePieceCases checks the 52 reference strings of the real
// LLaVA-1.5 (Llama 2) and Gemma 3 tokenizers: ids without and with special
// tokens, per-token strings and the decoded text, against Hugging Face's
// Rust tokenizer.
func TestSentencePieceCases(t *testing.T) {
	for _, real := range []*realTokenizer{sharedLlama2, sharedGemma3} {
		t.Run(real.dir, func(t *testing.T) {
			tok := real.load(t)
			var cases []struct {
				Text        string   `json:"text"`
				IDs         []int    `json:"ids"`
				WithSpecial []int    `json:"ids_with_special_tokens"`
				Tokens      []string `json:"tokens"`
				Decoded     string   `json:"decoded"`
			}
			readJSON(t, filepath.Join(nextDir(t), real.dir, "cases.json"), &cases)
			if len(cases) != 52 {
				t.Fatalf("cases.json has %d cases, want 52", len(cases))
			}
			for i, c := range cases {
				ids, err := tok.Encode(c.Text)
				if err != nil {
					t.Errorf("case %d %q: encode: %v", i, c.Text, err)
					continue
				}
				if !slices.Equal(ids, c.IDs) && len(ids)+len(c.IDs) > 0 {
					t.Errorf("case %d %q: ids\n got %v\nwant %v", i, c.Text, ids, c.IDs)
				}
				special, err := tok.EncodeSpecial(c.Text)
				if err != nil {
					t.Errorf("case %d: EncodeSpecial: %v", i, err)
				} else if !slices.Equal(special, c.WithSpecial) {
					t.Errorf("case %d %q: ids with special tokens\n got %v\nwant %v", i, c.Text, special, c.WithSpecial)
				}
				for j, id := range c.IDs {
					if s, ok := tok.TokenString(id); !ok || s != c.Tokens[j] {
						t.Errorf("case %d: TokenString(%d) = %q, %v; want %q", i, id, s, ok, c.Tokens[j])
					}
				}
				if got := tok.Decode(c.IDs); got != c.Decoded {
					t.Errorf("case %d: Decode = %q, want %q", i, got, c.Decoded)
				}
			}
		})
	}
}

// TestNextCaseGenerations checks the tiny LLaVA and Gemma 3 tokenizers'
// decoding of the LLaVA and Gemma 3 golden cases' generated tokens, one at a time and
// together, against transformers' texts.
func TestNextCaseGenerations(t *testing.T) {
	for _, name := range []string{"llava_basic", "gemma3_basic"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(goldenDir(t), name)
			tok, err := LoadDir(filepath.Join(dir, "checkpoint"))
			if err != nil {
				t.Fatal(err)
			}
			var gen struct {
				IDs    []int    `json:"generated_ids"`
				Tokens []string `json:"generated_tokens"`
				Text   string   `json:"generated_text"`
			}
			readJSON(t, filepath.Join(dir, "expected", "generation.json"), &gen)
			for i, id := range gen.IDs {
				if got := tok.DecodeToken(id); got != gen.Tokens[i] {
					t.Errorf("DecodeToken(%d) = %q, want %q", id, got, gen.Tokens[i])
				}
			}
			if got := tok.Decode(gen.IDs); got != gen.Text {
				t.Errorf("Decode = %q, want %q", got, gen.Text)
			}
			// Ids past the tokenizer (the padded embedding rows) decode to "".
			if got := tok.DecodeToken(570); got != "" {
				t.Errorf("DecodeToken(570) = %q, want empty", got)
			}
		})
	}
}
