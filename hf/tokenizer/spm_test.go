package tokenizer

import (
	"errors"
	"slices"
	"testing"

	"github.com/dlclark/regexp2"
)

// minimalSentencePiece is the smallest SentencePiece-style tokenizer.json a
// generator would write: Gemma 3's components around a tiny vocabulary
// with byte fallback, and no added tokens besides <bos>.
func minimalSentencePiece(t *testing.T) *Tokenizer {
	t.Helper()
	vocab := map[string]int{"<unk>": 0, "<bos>": 1, "▁": 2, "a": 3, "b": 4, "▁a": 5, "ab": 6, "▁ab": 7}
	for b := 0; b < 256; b++ {
		vocab[byteTokenName(byte(b))] = 8 + b
	}
	return synthTokenizer(t, synthSpec{
		vocab:      vocab,
		merges:     [][2]string{{"▁", "a"}, {"a", "b"}, {"▁a", "b"}},
		model:      map[string]any{"unk_token": "<unk>", "byte_fallback": true, "fuse_unk": true},
		normalizer: map[string]any{"type": "Replace", "pattern": map[string]any{"String": " "}, "content": "▁"},
		decoder: map[string]any{"type": "Sequence", "decoders": []any{
			map[string]any{"type": "Replace", "pattern": map[string]any{"String": "▁"}, "content": " "},
			map[string]any{"type": "ByteFallback"}, map[string]any{"type": "Fuse"},
		}},
		postProcessor: map[string]any{"type": "TemplateProcessing",
			"single":         []any{map[string]any{"SpecialToken": map[string]any{"id": "<bos>", "type_id": 0}}, map[string]any{"Sequence": map[string]any{"id": "A", "type_id": 0}}},
			"special_tokens": map[string]any{"<bos>": map[string]any{"id": "<bos>", "ids": []int{1}, "tokens": []string{"<bos>"}}}},
		addedTokens: []map[string]any{{"id": 1, "content": "<bos>", "special": true}},
	})
}

// byteTokenName is the "<0xNN>" spelling of a byte.
func byteTokenName(b byte) string {
	const hex = "0123456789ABCDEF"
	return "<0x" + string([]byte{hex[b>>4], hex[b&15]}) + ">"
}

// TestMinimalSentencePiece checks a generated minimal SentencePiece-style
// tokenizer end to end: spaces as "▁", merges by rank, byte fallback for
// characters outside the vocabulary, <bos> from the post-processor, and a
// decode that gives the text back.
func TestMinimalSentencePiece(t *testing.T) {
	tok := minimalSentencePiece(t)
	tests := []struct {
		text    string
		ids     []int
		special []int
	}{
		{"ab ab", []int{6, 7}, []int{1, 6, 7}},
		{" a\n", []int{5, 8 + '\n'}, []int{1, 5, 8 + '\n'}},
		{"é", []int{8 + 0xC3, 8 + 0xA9}, []int{1, 8 + 0xC3, 8 + 0xA9}},
		{"<bos>a", []int{1, 3}, []int{1, 1, 3}},
		{"", nil, []int{1}},
	}
	for _, tt := range tests {
		ids, err := tok.Encode(tt.text)
		if err != nil || !slices.Equal(ids, tt.ids) {
			t.Errorf("Encode(%q) = %v, %v; want %v", tt.text, ids, err, tt.ids)
		}
		special, err := tok.EncodeSpecial(tt.text)
		if err != nil || !slices.Equal(special, tt.special) {
			t.Errorf("EncodeSpecial(%q) = %v, %v; want %v", tt.text, special, err, tt.special)
		}
		if got := tok.Decode(ids); got != tt.text {
			t.Errorf("Decode(%v) = %q, want %q", ids, got, tt.text)
		}
	}
	if got := tok.DecodeToken(8 + 0xC3); got != "\uFFFD" {
		t.Errorf("DecodeToken(<0xC3>) = %q, want U+FFFD", got)
	}
	if id, ok := tok.TokenID("▁ab"); !ok || id != 7 {
		t.Errorf("TokenID(▁ab) = %d, %v; want 7", id, ok)
	}
}

// TestEncodeSpecialUnsupported checks that a post-processor this package
// cannot apply loads, encodes without special tokens, and refuses to add
// them.
func TestEncodeSpecialUnsupported(t *testing.T) {
	template := map[string]any{"type": "TemplateProcessing",
		"single":         []any{map[string]any{"Sequence": map[string]any{"id": "A", "type_id": 0}}, map[string]any{"SpecialToken": map[string]any{"id": "b", "type_id": 0}}},
		"special_tokens": map[string]any{"b": map[string]any{"id": "b", "ids": []int{1}, "tokens": []string{"b"}}}}
	for name, pp := range map[string]any{
		"bert":          map[string]any{"type": "BertProcessing", "sep": []any{"b", 1}, "cls": []any{"a", 0}},
		"two templates": map[string]any{"type": "Sequence", "processors": []any{template, template}},
	} {
		t.Run(name, func(t *testing.T) {
			tok := synthTokenizer(t, synthSpec{vocab: map[string]int{"a": 0, "b": 1}, postProcessor: pp})
			if ids, err := tok.Encode("ab"); err != nil || !slices.Equal(ids, []int{0, 1}) {
				t.Errorf("Encode = %v, %v; want [0 1]", ids, err)
			}
			if _, err := tok.EncodeSpecial("ab"); !errors.Is(err, ErrUnsupported) {
				t.Errorf("EncodeSpecial error = %v, want ErrUnsupported", err)
			}
		})
	}
}

// TestDecoders checks decoder steps on token lists, including the cases
// the oracle cannot record: a Strip of trailing characters (Rust's panics
// on an empty token) and byte tokens that are not quite byte tokens.
func TestDecoders(t *testing.T) {
	tests := []struct {
		name   string
		step   decodeStep
		tokens []string
		want   []string
	}{
		{"strip both ends", stripDecoder{content: ' ', start: 1, stop: 2}, []string{"  a  ", " ", "", "b   "}, []string{" a", "", "", "b "}},
		{"byte fallback runs", byteFallbackDecoder{}, []string{"<0xE2>", "<0x82>", "<0xAC>", "x", "<0xE2>", "<0x41>"}, []string{"€", "x", "\uFFFD", "\uFFFD"}},
		{"byte token spellings", byteFallbackDecoder{}, []string{"<0x4a>", "<0x+A>", "<0x-1>", "<0x041>", "<0xG1>"}, []string{"J\n", "<0x-1>", "<0x041>", "<0xG1>"}},
		{"metaspace first token", metaspaceDecoder{&metaspace{replacement: '▁', scheme: prependFirst}}, []string{"▁a▁b", "▁c"}, []string{"ab", " c"}},
		{"metaspace never", metaspaceDecoder{&metaspace{replacement: '▁', scheme: prependNever}}, []string{"▁a", "▁c"}, []string{" a", " c"}},
		{"fuse", fuseDecoder{}, []string{"a", "", "b"}, []string{"ab"}},
	}
	for _, tt := range tests {
		if got := tt.step.decodeChain(tt.tokens); !slices.Equal(got, tt.want) {
			t.Errorf("%s: decodeChain(%q) = %q, want %q", tt.name, tt.tokens, got, tt.want)
		}
	}
}

// TestSplitBehaviors checks how each behaviour combines matches, adjacent
// ones included, against Hugging Face's rules.
func TestSplitBehaviors(t *testing.T) {
	re := regexp2.MustCompile("-", regexp2.None)
	tests := []struct {
		behavior splitBehavior
		invert   bool
		want     []string
	}{
		{splitRemoved, false, []string{"a", "b", "c"}},
		{splitIsolated, false, []string{"-", "a", "-", "-", "b", "c", "-"}},
		{splitMergedWithPrevious, false, []string{"-", "a-", "-", "b", "c-"}},
		{splitMergedWithNext, false, []string{"-a", "-", "-b", "c", "-"}},
		{splitContiguous, false, []string{"-", "a", "--", "b", "c", "-"}},
		{splitRemoved, true, []string{"-", "-", "-", "-"}},
	}
	for _, tt := range tests {
		// "b" and "c" are separate pieces of the input, as a previous step
		// would leave them.
		var got []piece
		var err error
		for _, p := range []piece{{"-a--b", true}, {"c-", false}} {
			if got, err = splitPiece(got, re, p, tt.behavior, tt.invert); err != nil {
				t.Fatal(err)
			}
		}
		var texts []string
		for _, p := range got {
			texts = append(texts, p.text)
		}
		if !slices.Equal(texts, tt.want) {
			t.Errorf("behavior %d invert %v: %q, want %q", tt.behavior, tt.invert, texts, tt.want)
		}
		// Only Removed drops the match at offset 0 that starts the input.
		if want := tt.behavior != splitRemoved || tt.invert; got[0].atStart != want {
			t.Errorf("behavior %d invert %v: first piece atStart = %v, want %v", tt.behavior, tt.invert, got[0].atStart, want)
		}
	}
}

// TestAddedMatcherLongest checks leftmost-longest matching among many
// tokens sharing prefixes, the first of equal patterns winning.
func TestAddedMatcherLongest(t *testing.T) {
	patterns := []string{"<a>", "<a><b>", "<", "<a", "<a>"}
	tokens := make([]AddedToken, len(patterns))
	for i := range tokens {
		tokens[i] = AddedToken{ID: 100 + i}
	}
	m := newAddedMatcher(tokens, patterns)
	got := m.split(nil, "x<a><b><a>y<a<")
	want := []segment{{"x", -1}, {"<a><b>", 101}, {"<a>", 100}, {"y", -1}, {"<a", 103}, {"<", 102}}
	if !slices.Equal(got, want) {
		t.Errorf("split = %v, want %v", got, want)
	}
}
