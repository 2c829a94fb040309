package tokenizer

import (
	"encoding/json"
	"slices"
	"testing"
)

// synthSpec describes a small tokenizer.json for unit tests.
type synthSpec struct {
	vocab        map[string]int
	merges       any // [][2]string or []string
	model        map[string]any
	normalizer   any
	preTokenizer any
	// postProcessor is null when nil.
	postProcessor any
	decoder       any
	addedTokens   []map[string]any
}

// synthTokenizer writes spec as a tokenizer.json and loads it.
func synthTokenizer(t *testing.T, spec synthSpec) *Tokenizer {
	t.Helper()
	model := map[string]any{"type": "BPE", "vocab": spec.vocab, "merges": spec.merges}
	if spec.merges == nil {
		model["merges"] = []string{}
	}
	for k, v := range spec.model {
		model[k] = v
	}
	file := map[string]any{
		"version": "1.0", "truncation": nil, "padding": nil,
		"added_tokens": spec.addedTokens, "normalizer": spec.normalizer,
		"pre_tokenizer": spec.preTokenizer, "post_processor": spec.postProcessor,
		"decoder": spec.decoder, "model": model,
	}
	data, err := json.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := Load(writeFile(t, FileName, string(data)))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestBPEMergeOrder checks that merges apply by rank, leftmost first among
// equal ranks, whatever the order of the pairs in the word.
func TestBPEMergeOrder(t *testing.T) {
	vocab := map[string]int{"a": 0, "b": 1, "c": 2, "ab": 3, "bc": 4, "abc": 5, "aa": 6, "aaaa": 7}
	tests := []struct {
		name   string
		merges any
		text   string
		want   []int
	}{
		{"lower rank first (bc before ab)", [][2]string{{"b", "c"}, {"a", "b"}, {"a", "bc"}}, "abc", []int{5}},
		{"lower rank first (ab before bc)", [][2]string{{"a", "b"}, {"b", "c"}, {"ab", "c"}}, "abc", []int{5}},
		{"blocked merge stays split", [][2]string{{"b", "c"}, {"a", "b"}}, "abc", []int{0, 4}},
		{"equal ranks merge leftmost first", [][2]string{{"a", "a"}}, "aaa", []int{6, 0}},
		{"merged pairs merge again", [][2]string{{"a", "a"}, {"aa", "aa"}}, "aaaaa", []int{7, 0}},
		{"string merges format", []string{"a a", "aa aa"}, "aaaa", []int{7}},
		{"no merges", [][2]string{}, "cab", []int{2, 0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := synthTokenizer(t, synthSpec{vocab: vocab, merges: tt.merges})
			got, err := tok.Encode(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Encode(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// TestBPEUnknownSymbols checks Hugging Face's handling of characters
// missing from the vocabulary: dropped without unk_token, the unk id
// otherwise (fused with fuse_unk), byte tokens with byte_fallback.
func TestBPEUnknownSymbols(t *testing.T) {
	vocab := map[string]int{"<unk>": 0, "a": 1, "aa": 2, "<0xC3>": 3, "<0xA9>": 4}
	merges := [][2]string{{"a", "a"}}
	tests := []struct {
		name  string
		model map[string]any
		text  string
		want  []int
	}{
		{"dropped, neighbours merge", nil, "axa", []int{2}},
		{"unk per character", map[string]any{"unk_token": "<unk>"}, "axya", []int{1, 0, 0, 1}},
		{"fused unk", map[string]any{"unk_token": "<unk>", "fuse_unk": true}, "axya", []int{1, 0, 1}},
		{"byte fallback", map[string]any{"unk_token": "<unk>", "byte_fallback": true}, "aéa", []int{1, 3, 4, 1}},
		{"byte fallback missing byte uses unk", map[string]any{"unk_token": "<unk>", "byte_fallback": true}, "aüa", []int{1, 0, 1}},
		{"ignore_merges takes whole words", map[string]any{"ignore_merges": true}, "aa", []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := synthTokenizer(t, synthSpec{vocab: vocab, merges: merges, model: tt.model})
			got, err := tok.Encode(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Encode(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// TestSplitRemoved checks a Split pre-tokenizer that drops its matches and
// the space-joined decode of a tokenizer without a decoder.
func TestSplitRemoved(t *testing.T) {
	tok := synthTokenizer(t, synthSpec{
		vocab:  map[string]int{"a": 0, "b": 1, "ab": 2},
		merges: [][2]string{{"a", "b"}},
		preTokenizer: map[string]any{"type": "Split", "pattern": map[string]any{"String": "-"},
			"behavior": "Removed", "invert": false},
	})
	got, err := tok.Encode("a-b--ab")
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 1, 2}; !slices.Equal(got, want) {
		t.Errorf("Encode = %v, want %v", got, want)
	}
	if got, want := tok.Decode([]int{0, 1, 2, 99}), "a b ab"; got != want {
		t.Errorf("Decode = %q, want %q", got, want)
	}
}

// TestConcurrentEncode checks that concurrent calls give the sequential
// results (run with -race to check the word cache's locking).
func TestConcurrentEncode(t *testing.T) {
	tok := sharedQwen3.load(t)
	texts := []string{"Hello world", "<|im_start|>user\nWhat's in this image?<|im_end|>\n", "日本語 テキスト 123", "  spaces\n\n\ttabs"}
	want := make([][]int, len(texts))
	for i, s := range texts {
		var err error
		if want[i], err = tok.Encode(s); err != nil {
			t.Fatal(err)
		}
	}
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			for i := range 50 {
				k := (g + i) % len(texts)
				got, err := tok.Encode(texts[k])
				if err == nil && !slices.Equal(got, want[k]) {
					err = &mismatchError{text: texts[k]}
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// mismatchError reports a concurrent Encode that differed from the
// sequential one.
type mismatchError struct{ text string }

func (e *mismatchError) Error() string { return "concurrent Encode differs for " + e.text }
