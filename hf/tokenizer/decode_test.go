package tokenizer

import (
	"strings"
	"testing"
)

// TestUTF8Lossy checks the replacement of ill-formed UTF-8 against Python's
// bytes.decode("utf-8", errors="replace") (expected values computed with
// CPython 3): one U+FFFD per maximal subpart.
func TestUTF8Lossy(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"\xe2\x82", "\uFFFD"},
		{"\xe2\x82\xac", "€"},
		{"\xe2\x82\x41", "\uFFFDA"},
		{"\xf0\x80", "\uFFFD\uFFFD"},
		{"\xf0\x9f\x98", "\uFFFD"},
		{"\xf0\x9f\x98\x80", "😀"},
		{"\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"},
		{"\xc0\xaf", "\uFFFD\uFFFD"},
		{"\xc2", "\uFFFD"},
		{"\x80\x80", "\uFFFD\uFFFD"},
		{"\xff", "\uFFFD"},
		{"\xf4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"\xe0\x80\xaf", "\uFFFD\uFFFD\uFFFD"},
		{"\xf1\x80\x80", "\uFFFD"},
		{"a\xc3", "a\uFFFD"},
		{"\xc3(", "\uFFFD("},
		{"\xe1\x80\xe2\x82\xac", "\uFFFD€"},
	}
	for _, tt := range tests {
		if got := string(appendUTF8Lossy(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("appendUTF8Lossy(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDecodePartialCharacters checks per-token decoding of a character
// split over byte tokens, and that the sequence decodes whole.
func TestDecodePartialCharacters(t *testing.T) {
	tok := sharedQwen3.load(t)
	tests := []struct {
		text      string
		wantParts []string // DecodeToken of each id
	}{
		{"😀", []string{"😀"}},
		{"Hello", []string{"Hello"}},
		{"<|im_start|>", []string{"<|im_start|>"}},
	}
	for _, tt := range tests {
		ids, err := tok.Encode(tt.text)
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, id := range ids {
			parts = append(parts, tok.DecodeToken(id))
		}
		if strings.Join(parts, "|") != strings.Join(tt.wantParts, "|") {
			t.Errorf("DecodeToken over Encode(%q) = %q, want %q", tt.text, parts, tt.wantParts)
		}
		if got := tok.Decode(ids); got != tt.text {
			t.Errorf("Decode(Encode(%q)) = %q", tt.text, got)
		}
	}
	// "é" is two byte tokens in a vocabulary without the merged character.
	// Taken alone, each is a partial UTF-8 sequence.
	tiny := loadTiny(t)
	ids, err := tiny.Encode("é")
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 {
		t.Fatalf("tiny Encode(é) = %v, want two byte tokens", ids)
	}
	for _, id := range ids {
		if got := tiny.DecodeToken(id); got != "\uFFFD" {
			t.Errorf("DecodeToken(%d) = %q, want U+FFFD", id, got)
		}
	}
	if got := tiny.Decode(ids); got != "é" {
		t.Errorf("Decode(%v) = %q, want é", ids, got)
	}
	if got := tiny.Decode([]int{-1, 1 << 30}); got != "" {
		t.Errorf("Decode of unknown ids = %q, want empty", got)
	}
}
