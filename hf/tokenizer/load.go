package tokenizer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
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

// fileJSON is the part of tokenizer.json this package reads besides the
// model. Padding only acts on batches, which Encode never makes, so it is
// not read.
type fileJSON struct {
	AddedTokens   []addedTokenJSON `json:"added_tokens"`
	Normalizer    json.RawMessage  `json:"normalizer"`
	PreTokenizer  json.RawMessage  `json:"pre_tokenizer"`
	PostProcessor json.RawMessage  `json:"post_processor"`
	Decoder       json.RawMessage  `json:"decoder"`
	Truncation    json.RawMessage  `json:"truncation"`
	// Model is the raw model object; Parse reads it with parseModel.
	Model json.RawMessage `json:"model"`
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

// modelJSON is the BPE model section without its vocab and merges, which
// parseVocab and forEachMerge read.
type modelJSON struct {
	Type                    *string  `json:"type"`
	Dropout                 *float64 `json:"dropout"`
	UnkToken                *string  `json:"unk_token"`
	ContinuingSubwordPrefix *string  `json:"continuing_subword_prefix"`
	EndOfWordSuffix         *string  `json:"end_of_word_suffix"`
	FuseUnk                 bool     `json:"fuse_unk"`
	ByteFallback            bool     `json:"byte_fallback"`
	IgnoreMerges            bool     `json:"ignore_merges"`
}

// Parse builds a Tokenizer from the bytes of a tokenizer.json. Errors do not
// name a file; Load adds it.
func Parse(data []byte) (*Tokenizer, error) {
	f, err := parseFile(data)
	if err != nil {
		return nil, err
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
	if t.post, err = parsePostProcessor(f.PostProcessor); err != nil {
		return nil, err
	}
	if t.decoder, err = parseDecoder(f.Decoder, alphabet); err != nil {
		return nil, err
	}
	if err := t.setVocabulary(model.vocab, f.AddedTokens); err != nil {
		return nil, err
	}
	return t, nil
}

// parseFile reads the top-level members of a tokenizer.json, leaving the
// model raw. The members are found by a fast scan (see jsonscan.go); when
// the scan fails, encoding/json reads the file again for its error message.
func parseFile(data []byte) (*fileJSON, error) {
	fields, err := objectFields(data)
	if err != nil {
		var f fileJSON
		if jerr := json.Unmarshal(data, &f); jerr != nil {
			err = jerr
		}
		var syntaxErr *json.SyntaxError
		var scanErr *jsonSyntaxError
		if errors.As(err, &syntaxErr) || errors.As(err, &scanErr) {
			return nil, fmt.Errorf("%w: not valid JSON: %v", ErrMalformed, err)
		}
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	f := &fileJSON{}
	for _, fd := range fields {
		var dst any
		switch fd.key {
		case "added_tokens":
			dst = &f.AddedTokens
		case "normalizer":
			f.Normalizer = fd.value
		case "pre_tokenizer":
			f.PreTokenizer = fd.value
		case "post_processor":
			f.PostProcessor = fd.value
		case "decoder":
			f.Decoder = fd.value
		case "truncation":
			f.Truncation = fd.value
		case "model":
			f.Model = fd.value
		}
		if dst != nil {
			if err := json.Unmarshal(fd.value, dst); err != nil {
				return nil, fmt.Errorf("%s: %w: %v", fd.key, ErrMalformed, err)
			}
		}
	}
	return f, nil
}

// parseModel builds the BPE model from the raw model object.
func parseModel(raw json.RawMessage) (*bpeModel, error) {
	if isJSONNull(raw) {
		return nil, fmt.Errorf("no model: %w", ErrMalformed)
	}
	fields, err := objectFields(raw)
	if err != nil {
		return nil, fmt.Errorf("model is not a JSON object: %w: %v", ErrMalformed, err)
	}
	// The small members go to encoding/json as an object of their own.
	small := []byte{'{'}
	var vocabRaw, mergesRaw json.RawMessage
	for _, fd := range fields {
		switch fd.key {
		case "vocab":
			vocabRaw = fd.value
		case "merges":
			mergesRaw = fd.value
		default:
			key, _ := json.Marshal(fd.key)
			if len(small) > 1 {
				small = append(small, ',')
			}
			small = append(append(append(small, key...), ':'), fd.value...)
		}
	}
	var mj modelJSON
	if err := json.Unmarshal(append(small, '}'), &mj); err != nil {
		return nil, fmt.Errorf("model: %w: %v", ErrMalformed, err)
	}
	switch {
	case mj.Type != nil && *mj.Type != "BPE":
		return nil, fmt.Errorf("model type %q (only BPE): %w", *mj.Type, ErrUnsupported)
	case isJSONNull(vocabRaw):
		return nil, fmt.Errorf("model has no vocab: %w", ErrMalformed)
	case isJSONNull(mergesRaw):
		return nil, fmt.Errorf("model has no merges: %w", ErrMalformed)
	case mj.Dropout != nil && *mj.Dropout != 0:
		return nil, fmt.Errorf("model dropout %v: %w", *mj.Dropout, ErrUnsupported)
	case mj.ContinuingSubwordPrefix != nil && *mj.ContinuingSubwordPrefix != "":
		return nil, fmt.Errorf("model continuing_subword_prefix %q: %w", *mj.ContinuingSubwordPrefix, ErrUnsupported)
	case mj.EndOfWordSuffix != nil && *mj.EndOfWordSuffix != "":
		return nil, fmt.Errorf("model end_of_word_suffix %q: %w", *mj.EndOfWordSuffix, ErrUnsupported)
	}
	vocab, err := parseVocab(vocabRaw)
	if err != nil {
		return nil, fmt.Errorf("model vocab: %w: %v", ErrMalformed, err)
	}
	for tok, id := range vocab {
		if id < 0 {
			return nil, fmt.Errorf("vocab token %q has negative id %d: %w", tok, id, ErrMalformed)
		}
	}
	m, err := newBPEModel(vocab, mergesRaw)
	if err != nil {
		return nil, err
	}
	if mj.UnkToken != nil {
		id, ok := vocab[*mj.UnkToken]
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
			s, err := t.normalizer.apply(tok.Content)
			if err != nil {
				return fmt.Errorf("normalize added token %q: %w", tok.Content, err)
			}
			t.tokens[id] = s
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
			normPatterns = append(normPatterns, t.tokens[tok.ID])
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
