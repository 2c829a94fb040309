package tokenizer

import (
	"errors"
	"strings"
	"testing"
)

// TestLoadRejects checks that bad or unsupported files give a one-line
// error naming the file, the problem, and the matching sentinel.
func TestLoadRejects(t *testing.T) {
	const vocab = `"vocab": {"a": 0, "b": 1, "ab": 2}`
	model := func(extra string) string {
		return `{"model": {"type": "BPE", ` + vocab + `, "merges": [["a", "b"]]` + extra + `}}`
	}
	tests := []struct {
		name    string
		content string
		want    error
		mention string
	}{
		{"not JSON", `{"model": `, ErrMalformed, "not valid JSON"},
		{"top level not an object", `[1, 2]`, ErrMalformed, "array"},
		{"missing model", `{"added_tokens": []}`, ErrMalformed, "no model"},
		{"unknown model type", `{"model": {"type": "WordPiece", ` + vocab + `}}`, ErrUnsupported, `"WordPiece"`},
		{"unigram model", `{"model": {"type": "Unigram", "vocab": [["a", -1.0]]}}`, ErrUnsupported, `"Unigram"`},
		{"model not an object", `{"model": [1]}`, ErrMalformed, "model"},
		{"model without vocab", `{"model": {"type": "BPE", "merges": []}}`, ErrMalformed, "no vocab"},
		{"model without merges", `{"model": {"type": "BPE", ` + vocab + `}}`, ErrMalformed, "no merges"},
		{"bad merges string", `{"model": {"type": "BPE", ` + vocab + `, "merges": ["a b c"]}}`, ErrMalformed, `"a b c"`},
		{"merges string without space", `{"model": {"type": "BPE", ` + vocab + `, "merges": ["ab"]}}`, ErrMalformed, `merges entry 0`},
		{"bad merges pair", `{"model": {"type": "BPE", ` + vocab + `, "merges": [["a"]]}}`, ErrMalformed, "1 parts"},
		{"merges not a list", `{"model": {"type": "BPE", ` + vocab + `, "merges": {"a": "b"}}}`, ErrMalformed, "not a list"},
		{"merges mixed formats", `{"model": {"type": "BPE", ` + vocab + `, "merges": [["a", "b"], "a b"]}}`, ErrMalformed, "bad merges entry"},
		{"merge of unknown token", `{"model": {"type": "BPE", ` + vocab + `, "merges": [["a", "c"]]}}`, ErrMalformed, `"c" is not in the vocabulary`},
		{"merge result unknown", `{"model": {"type": "BPE", ` + vocab + `, "merges": [["b", "a"]]}}`, ErrMalformed, `result "ba"`},
		{"absurdly large id", `{"model": {"type": "BPE", "vocab": {"a": 2000000000}, "merges": []}}`, ErrMalformed, "largest token id"},
		{"negative id", `{"model": {"type": "BPE", "vocab": {"a": -1}, "merges": []}}`, ErrMalformed, "negative id"},
		{"unk_token not in vocab", model(`, "unk_token": "<unk>"`), ErrMalformed, "unk_token"},
		{"dropout", model(`, "dropout": 0.1`), ErrUnsupported, "dropout"},
		{"subword prefix", model(`, "continuing_subword_prefix": "##"`), ErrUnsupported, "continuing_subword_prefix"},
		{"word suffix", model(`, "end_of_word_suffix": "</w>"`), ErrUnsupported, "end_of_word_suffix"},
		{"unsupported normalizer", `{"normalizer": {"type": "Lowercase"}, "model": ` + model("")[10:], ErrUnsupported, `normalizer type "Lowercase"`},
		{"unsupported nested normalizer", `{"normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Strip"}]}, "model": ` + model("")[10:], ErrUnsupported, `"Strip"`},
		{"unsupported pre-tokenizer", `{"pre_tokenizer": {"type": "Whitespace"}, "model": ` + model("")[10:], ErrUnsupported, `pre_tokenizer type "Whitespace"`},
		{"unsupported split behavior", `{"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "a"}, "behavior": "Sideways"}, "model": ` + model("")[10:], ErrUnsupported, "Sideways"},
		{"unsupported prepend scheme", `{"pre_tokenizer": {"type": "Metaspace", "prepend_scheme": "sometimes"}, "model": ` + model("")[10:], ErrUnsupported, `"sometimes"`},
		{"long metaspace replacement", `{"pre_tokenizer": {"type": "Metaspace", "replacement": "__"}, "model": ` + model("")[10:], ErrMalformed, `"__"`},
		{"prepend without text", `{"normalizer": {"type": "Prepend"}, "model": ` + model("")[10:], ErrMalformed, "Prepend"},
		{"replace without content", `{"normalizer": {"type": "Replace", "pattern": {"String": " "}}, "model": ` + model("")[10:], ErrMalformed, "content"},
		{"bad replace regex", `{"normalizer": {"type": "Replace", "pattern": {"Regex": "(a"}, "content": "b"}, "model": ` + model("")[10:], ErrUnsupported, `"(a"`},
		{"strip decoder without counts", `{"decoder": {"type": "Strip", "content": " "}, "model": ` + model("")[10:], ErrMalformed, "Strip"},
		{"template without sequence", `{"post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "a", "type_id": 0}}], "special_tokens": {"a": {"id": "a", "ids": [0], "tokens": ["a"]}}}, "model": ` + model("")[10:], ErrMalformed, "sequence A"},
		{"template with unknown special", `{"post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}], "special_tokens": {}}, "model": ` + model("")[10:], ErrMalformed, `"<s>"`},
		{"split without pattern", `{"pre_tokenizer": {"type": "Split", "behavior": "Isolated"}, "model": ` + model("")[10:], ErrMalformed, "pattern"},
		{"bad split regex", `{"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(a"}, "behavior": "Isolated"}, "model": ` + model("")[10:], ErrUnsupported, `"(a"`},
		{"vocab id not an integer", `{"model": {"type": "BPE", "vocab": {"a": 1.5}, "merges": []}}`, ErrMalformed, "not a 32-bit integer"},
		{"mismatched brackets", `{"padding": [1}, "model": ` + model("")[10:], ErrMalformed, "not valid JSON"},
		{"unsupported decoder", `{"decoder": {"type": "WordPiece"}, "model": ` + model("")[10:], ErrUnsupported, `decoder type "WordPiece"`},
		{"truncation", `{"truncation": {"max_length": 10}, "model": ` + model("")[10:], ErrUnsupported, "truncation"},
		{"added token without id", `{"added_tokens": [{"content": "<x>"}], "model": ` + model("")[10:], ErrMalformed, `"<x>"`},
		{"added token id clash", `{"added_tokens": [{"id": 5, "content": "<x>"}, {"id": 5, "content": "<y>"}], "model": ` + model("")[10:], ErrMalformed, "share id 5"},
		{"added token disagrees with vocab", `{"added_tokens": [{"id": 7, "content": "ab"}], "model": ` + model("")[10:], ErrMalformed, "vocabulary gives it 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, FileName, tt.content)
			tok, err := Load(path)
			if err == nil {
				t.Fatalf("Load succeeded (%d ids), want an error", tok.VocabSize())
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("error %q does not wrap %v", err, tt.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, path) || !strings.Contains(msg, tt.mention) || strings.Contains(msg, "\n") {
				t.Errorf("error %q should be one line naming %s and %s", msg, path, tt.mention)
			}
		})
	}
}

// TestLoadMissingFile checks the error for an absent file.
func TestLoadMissingFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("LoadDir(%s) error = %v, want one naming the directory", dir, err)
	}
}

// TestEncodeRejectsInvalidUTF8 checks that Encode refuses bytes that are not
// UTF-8 instead of guessing.
func TestEncodeRejectsInvalidUTF8(t *testing.T) {
	tok := synthTokenizer(t, synthSpec{vocab: map[string]int{"a": 0}})
	if _, err := tok.Encode("a\xffa"); !errors.Is(err, ErrInvalidUTF8) {
		t.Errorf("Encode(invalid UTF-8) error = %v, want ErrInvalidUTF8", err)
	}
}
