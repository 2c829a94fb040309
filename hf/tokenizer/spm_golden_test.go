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
