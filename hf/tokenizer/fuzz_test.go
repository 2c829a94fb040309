package tokenizer

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzEncode checks that Encode never panics, and that for valid UTF-8
// without added-token text Decode(Encode(s)) gives back NFC(s): byte-level
// BPE loses nothing but the normalization.
func FuzzEncode(f *testing.F) {
	for _, s := range []string{
		"", "Hello world", "  \n\n\t x", "e\u0301", "日本語😀👨‍👩‍👧", "'S 'll", "\u00a0\u3000\u2028\u0085",
		"<|im_start|>user\nhi<|im_end|>", "<|im_start|", "\x00\x1b\x7f", "\xff\xfe", "1,000.5",
	} {
		f.Add(s)
	}
	tok := sharedQwen3.load(f)
	added := tok.AddedTokens()
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := tok.Encode(s)
		if !utf8.ValidString(s) {
			if err == nil {
				t.Fatalf("Encode(%q) accepted invalid UTF-8", s)
			}
			return
		}
		if err != nil {
			t.Fatalf("Encode(%q): %v", s, err)
		}
		nfc := norm.NFC.String(s)
		for _, a := range added {
			if strings.Contains(s, a.Content) || strings.Contains(nfc, a.Content) {
				return
			}
		}
		if got := tok.Decode(ids); got != nfc {
			t.Fatalf("Decode(Encode(%q)) = %q, want %q", s, got, nfc)
		}
	})
}
