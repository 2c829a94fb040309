package tokenizer

import "sort"

// Tokenizer is a loaded BPE tokenizer. It is immutable after Load and safe
// for concurrent use.
type Tokenizer struct {
	model        *bpeModel
	normalizer   *normalizer
	preTokenizer *preTokenizer
	post         *postProcessor
	decoder      *decoder

	// tokens[id] is the token string of id when known[id].
	tokens []string
	known  []bool
	// added holds the added tokens by id; addedIDs by content.
	added    map[int]AddedToken
	addedIDs map[string]int
	// rawMatcher finds added tokens with normalized=false in raw text,
	// normalizedMatcher those with normalized=true in normalized text.
	rawMatcher        *addedMatcher
	normalizedMatcher *addedMatcher
}

// VocabSize is the largest token id plus one, added tokens included.
func (t *Tokenizer) VocabSize() int {
	return len(t.tokens)
}

// TokenID returns the id of a token string: an added token's content or a
// vocabulary entry as the vocabulary spells it (byte-level "Ġthe" for
// Qwen's " the", SentencePiece "▁the" for Llama's and Gemma's).
func (t *Tokenizer) TokenID(s string) (int, bool) {
	if id, ok := t.addedIDs[s]; ok {
		return id, true
	}
	id, ok := t.model.vocab[s]
	return int(id), ok
}

// TokenString returns the token string of id: an added token's content
// (normalized, for an added token marked normalized) or the vocabulary
// entry as the vocabulary spells it.
func (t *Tokenizer) TokenString(id int) (string, bool) {
	if id < 0 || id >= len(t.tokens) || !t.known[id] {
		return "", false
	}
	return t.tokens[id], true
}

// IsSpecial reports whether id is a special added token.
func (t *Tokenizer) IsSpecial(id int) bool {
	tok, ok := t.added[id]
	return ok && tok.Special
}

// SpecialTokens returns the special added tokens, by ascending id.
func (t *Tokenizer) SpecialTokens() []AddedToken {
	var out []AddedToken
	for _, tok := range t.AddedTokens() {
		if tok.Special {
			out = append(out, tok)
		}
	}
	return out
}

// AddedTokens returns all added tokens, special or not, by ascending id.
func (t *Tokenizer) AddedTokens() []AddedToken {
	out := make([]AddedToken, 0, len(t.added))
	for _, tok := range t.added {
		out = append(out, tok)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
