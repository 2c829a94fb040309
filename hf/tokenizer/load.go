package tokenizer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// FileName is the name of the tokenizer file in a checkpoint directory.
const FileName = "tokenizer.json"

// LoadDir reads dir/tokenizer.json.
func LoadDir(dir string) (*Tokenizer, error) {
	return Load(filepath.Join(dir, FileName))
}

// Load reads a Hugging Face tokenizer.json. Every error names the file and
// wraps ErrMalformed or ErrUnsupported when the content is at fault.
func Load(path string) (*Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer: %w", err)
	}
	t, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer %q: %w", path, err)
	}
	return t, nil
}

// fileJSON is the part of tokenizer.json this package reads. The
// post-processor and padding only act when special tokens are added or
// batches are padded, which Encode never does, so they are not read.
type fileJSON struct {
	AddedTokens  []addedTokenJSON `json:"added_tokens"`
	Normalizer   json.RawMessage  `json:"normalizer"`
	PreTokenizer json.RawMessage  `json:"pre_tokenizer"`
	Decoder      json.RawMessage  `json:"decoder"`
	Truncation   json.RawMessage  `json:"truncation"`
	Model        *modelJSON       `json:"model"`
}

// addedTokenJSON is one entry of added_tokens.
type addedTokenJSON struct {
	ID         *int   `json:"id"`
	Content    string `json:"content"`
	SingleWord bool   `json:"single_word"`
	LStrip     bool   `json:"lstrip"`
	RStrip     bool   `json:"rstrip"`
	Normalized *bool  `json:"normalized"`
	Special    bool   `json:"special"`
}

// modelJSON is the BPE model section.
type modelJSON struct {
	Type                    *string          `json:"type"`
	Dropout                 *float64         `json:"dropout"`
	UnkToken                *string          `json:"unk_token"`
	ContinuingSubwordPrefix *string          `json:"continuing_subword_prefix"`
	EndOfWordSuffix         *string          `json:"end_of_word_suffix"`
	FuseUnk                 bool             `json:"fuse_unk"`
	ByteFallback            bool             `json:"byte_fallback"`
	IgnoreMerges            bool             `json:"ignore_merges"`
	Vocab                   map[string]int32 `json:"vocab"`
	Merges                  json.RawMessage  `json:"merges"`
}

// Parse builds a Tokenizer from the bytes of a tokenizer.json. Errors do not
// name a file; Load adds it.
func Parse(data []byte) (*Tokenizer, error) {
	var f fileJSON
	if err := json.Unmarshal(data, &f); err != nil {
		var syntaxErr *json.SyntaxError
		if errors.As(err, &syntaxErr) {
			return nil, fmt.Errorf("%w: not valid JSON: %v", ErrMalformed, err)
		}
		// Other models' vocabularies have other shapes; name the model
		// rather than the shape.
		if typ, ok := peekModelType(data); ok && typ != "BPE" {
			return nil, fmt.Errorf("model type %q (only BPE): %w", typ, ErrUnsupported)
		}
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if !isJSONNull(f.Truncation) {
		return nil, fmt.Errorf("truncation is set: %w", ErrUnsupported)
	}
	model, err := parseModel(f.Model)
	if err != nil {
		return nil, err
	}
	alphabet := newByteLevelAlphabet()
	t := &Tokenizer{model: model}
	if t.normalizer, err = parseNormalizer(f.Normalizer); err != nil {
		return nil, err
	}
	if t.preTokenizer, err = parsePreTokenizer(f.PreTokenizer, alphabet); err != nil {
		return nil, err
	}
	if t.byteLevel, err = parseDecoder(f.Decoder, alphabet); err != nil {
		return nil, err
	}
	if err := t.setVocabulary(model.vocab, f.AddedTokens); err != nil {
		return nil, err
	}
	return t, nil
}

// peekModelType reads only model.type of a tokenizer.json.
func peekModelType(data []byte) (string, bool) {
	var peek struct {
		Model struct {
			Type *string `json:"type"`
		} `json:"model"`
	}
	if json.Unmarshal(data, &peek) != nil || peek.Model.Type == nil {
		return "", false
	}
	return *peek.Model.Type, true
}

// parseModel builds the BPE model.
func parseModel(mj *modelJSON) (*bpeModel, error) {
	switch {
	case mj == nil:
		return nil, fmt.Errorf("no model: %w", ErrMalformed)
	case mj.Type != nil && *mj.Type != "BPE":
		return nil, fmt.Errorf("model type %q (only BPE): %w", *mj.Type, ErrUnsupported)
	case mj.Vocab == nil:
		return nil, fmt.Errorf("model has no vocab: %w", ErrMalformed)
	case mj.Merges == nil:
		return nil, fmt.Errorf("model has no merges: %w", ErrMalformed)
	case mj.Dropout != nil && *mj.Dropout != 0:
		return nil, fmt.Errorf("model dropout %v: %w", *mj.Dropout, ErrUnsupported)
	case mj.ContinuingSubwordPrefix != nil && *mj.ContinuingSubwordPrefix != "":
		return nil, fmt.Errorf("model continuing_subword_prefix %q: %w", *mj.ContinuingSubwordPrefix, ErrUnsupported)
	case mj.EndOfWordSuffix != nil && *mj.EndOfWordSuffix != "":
		return nil, fmt.Errorf("model end_of_word_suffix %q: %w", *mj.EndOfWordSuffix, ErrUnsupported)
	}
	for tok, id := range mj.Vocab {
		if id < 0 {
			return nil, fmt.Errorf("vocab token %q has negative id %d: %w", tok, id, ErrMalformed)
		}
	}
	merges, err := parseMerges(mj.Merges)
	if err != nil {
		return nil, err
	}
	m, err := newBPEModel(mj.Vocab, merges)
	if err != nil {
		return nil, err
	}
	if mj.UnkToken != nil {
		id, ok := mj.Vocab[*mj.UnkToken]
		if !ok {
			return nil, fmt.Errorf("unk_token %q is not in the vocabulary: %w", *mj.UnkToken, ErrMalformed)
		}
		m.unkID = id
	}
	m.fuseUnk = mj.FuseUnk
	m.ignoreMerges = mj.IgnoreMerges
	if mj.ByteFallback {
		m.enableByteFallback()
	}
	return m, nil
}

// parseMerges reads merges in either format: "a b" strings (split at the
// one space) or ["a", "b"] pairs.
func parseMerges(raw json.RawMessage) ([][2]string, error) {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return nil, fmt.Errorf("merges is not a list: %w", ErrMalformed)
	}
	inner := bytes.TrimLeft(trimmed[1:], " \t\r\n")
	if len(inner) > 0 && inner[0] == '[' {
		var pairs [][]string
		if err := json.Unmarshal(raw, &pairs); err != nil {
			return nil, fmt.Errorf("bad merges entry: %w: %v", ErrMalformed, err)
		}
		merges := make([][2]string, len(pairs))
		for i, p := range pairs {
			if len(p) != 2 {
				return nil, fmt.Errorf("merges entry %d has %d parts, want 2: %w", i, len(p), ErrMalformed)
			}
			merges[i] = [2]string{p[0], p[1]}
		}
		return merges, nil
	}
	var lines []string
	if err := json.Unmarshal(raw, &lines); err != nil {
		return nil, fmt.Errorf("bad merges entry: %w: %v", ErrMalformed, err)
	}
	merges := make([][2]string, len(lines))
	for i, line := range lines {
		a, b, ok := cutOneSpace(line)
		if !ok {
			return nil, fmt.Errorf("merges entry %d %q is not two tokens separated by one space: %w", i, line, ErrMalformed)
		}
		merges[i] = [2]string{a, b}
	}
	return merges, nil
}

// cutOneSpace splits s at its only space.
func cutOneSpace(s string) (string, string, bool) {
	a, b, ok := strings.Cut(s, " ")
	if !ok || strings.Contains(b, " ") {
		return "", "", false
	}
	return a, b, true
}

// parseDecoder returns the byte-level alphabet for a ByteLevel decoder, or
// nil for no decoder (tokens are then joined with spaces, as Hugging Face
// does without one).
func parseDecoder(raw json.RawMessage, alphabet *byteLevelAlphabet) (*byteLevelAlphabet, error) {
	if isJSONNull(raw) {
		return nil, nil
	}
	var d struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("decoder: %w: %v", ErrMalformed, err)
	}
	if d.Type != "ByteLevel" {
		return nil, fmt.Errorf("decoder type %q (only ByteLevel): %w", d.Type, ErrUnsupported)
	}
	return alphabet, nil
}

// setVocabulary fills the id tables and the added-token matchers.
func (t *Tokenizer) setVocabulary(vocab map[string]int32, added []addedTokenJSON) error {
	maxID := -1
	for _, id := range vocab {
		maxID = max(maxID, int(id))
	}
	t.added = make(map[int]AddedToken, len(added))
	t.addedIDs = make(map[string]int, len(added))
	var list []AddedToken
	for i, a := range added {
		if a.Content == "" {
			continue // Hugging Face ignores empty added tokens
		}
		if a.ID == nil || *a.ID < 0 {
			return fmt.Errorf("added token %d (%q) has no valid id: %w", i, a.Content, ErrMalformed)
		}
		id := *a.ID
		if vid, ok := vocab[a.Content]; ok && int(vid) != id {
			return fmt.Errorf("added token %q has id %d but the vocabulary gives it %d: %w", a.Content, id, vid, ErrMalformed)
		}
		if prev, dup := t.added[id]; dup {
			return fmt.Errorf("added tokens %q and %q share id %d: %w", prev.Content, a.Content, id, ErrMalformed)
		}
		normalized := !a.Special // Hugging Face's default when the flag is absent
		if a.Normalized != nil {
			normalized = *a.Normalized
		}
		tok := AddedToken{ID: id, Content: a.Content, Special: a.Special, Normalized: normalized,
			LStrip: a.LStrip, RStrip: a.RStrip, SingleWord: a.SingleWord}
		t.added[id] = tok
		t.addedIDs[tok.Content] = id
		list = append(list, tok)
		maxID = max(maxID, id)
	}
	// Ids index a table; refuse ids so sparse that the table would be
	// absurdly large (a corrupt file, not a real tokenizer).
	if count := len(vocab) + len(t.added); maxID >= 16*count+(1<<16) {
		return fmt.Errorf("largest token id %d is far beyond the %d tokens: %w", maxID, count, ErrMalformed)
	}
	t.tokens = make([]string, maxID+1)
	t.known = make([]bool, maxID+1)
	for tok, id := range vocab {
		t.tokens[id], t.known[id] = tok, true
	}
	for id, tok := range t.added {
		// Like Hugging Face, a normalized added token decodes (and reads
		// back through TokenString) in its normalized form.
		t.tokens[id], t.known[id] = tok.Content, true
		if tok.Normalized {
			t.tokens[id] = t.normalizer.apply(tok.Content)
		}
	}

	// Hugging Face matches special tokens first, then the others, each in
	// file order; with leftmost-longest matching the order only matters
	// for duplicates.
	sort.SliceStable(list, func(i, j int) bool { return list[i].Special && !list[j].Special })
	var raw, norm []AddedToken
	var normPatterns []string
	for _, tok := range list {
		if tok.Normalized {
			norm = append(norm, tok)
			normPatterns = append(normPatterns, t.normalizer.apply(tok.Content))
		} else {
			raw = append(raw, tok)
		}
	}
	rawPatterns := make([]string, len(raw))
	for i, tok := range raw {
		rawPatterns[i] = tok.Content
	}
	t.rawMatcher = newAddedMatcher(raw, rawPatterns)
	t.normalizedMatcher = newAddedMatcher(norm, normPatterns)
	return nil
}
