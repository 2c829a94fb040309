package tokenizer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzEncode checks that Encode never panics, and that for valid UTF-8
// without added-token text Decode(Encode(s)) gives back the text: NFC(s)
// for Qwen3's byte-level BPE, which loses nothing but the normalization,
// and s itself for the Llama 2 SentencePiece-style BPE (byte fallback keeps
// every character; the decoder strips the "▁" the normalizer prepended),
// unless s holds a literal "▁", which reads back as a space.
func FuzzEncode(f *testing.F) {
	for _, s := range []string{
		"", "Hello world", "  \n\n\t x", "e\u0301", "日本語😀👨‍👩‍👧", "'S 'll", "\u00a0\u3000\u2028\u0085",
		"<|im_start|>user\nhi<|im_end|>", "<|im_start|", "\x00\x1b\x7f", "\xff\xfe", "1,000.5",
		"USER: <image>\nWhat is this? ASSISTANT:", " ▁x", "<0x41>", "<s>", "\n\n\n",
	} {
		f.Add(s)
	}
	type target struct {
		name string
		tok  *Tokenizer
		want func(string) string
	}
	targets := []target{{"qwen3", sharedQwen3.load(f), norm.NFC.String}}
	// The Llama 2 tokenizer lives in ../shared/golden-next; without it the
	// Qwen3 half still runs.
	var llama *Tokenizer
	if _, err := os.Stat(filepath.Join(goldenDir(f), "..", "golden-next", sharedLlama2.dir, sharedLlama2.file)); err == nil {
		llama = sharedLlama2.load(f)
		targets = append(targets, target{"llama2", llama, func(s string) string { return s }})
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range targets {
			ids, err := c.tok.Encode(s)
			if !utf8.ValidString(s) {
				if err == nil {
					t.Fatalf("%s: Encode(%q) accepted invalid UTF-8", c.name, s)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: Encode(%q): %v", c.name, s, err)
			}
			want := c.want(s)
			if c.tok == llama && strings.Contains(s, "▁") || containsAddedToken(c.tok, s, want) {
				continue
			}
			if got := c.tok.Decode(ids); got != want {
				t.Fatalf("%s: Decode(Encode(%q)) = %q, want %q", c.name, s, got, want)
			}
		}
	})
}

// containsAddedToken reports whether the text or its normalized form holds
// an added token's content.
func containsAddedToken(tok *Tokenizer, s, normalized string) bool {
	for _, a := range tok.AddedTokens() {
		if strings.Contains(s, a.Content) || strings.Contains(normalized, a.Content) {
			return true
		}
	}
	return false
}
