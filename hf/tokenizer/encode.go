package tokenizer

import (
	"fmt"
	"unicode/utf8"
)

// Encode returns the token ids of text, as Hugging Face's
// encode(text, add_special_tokens=False): added tokens in the text become
// their ids, everything else goes through normalization, pre-tokenization
// and BPE. Text must be valid UTF-8.
func (t *Tokenizer) Encode(text string) ([]int, error) {
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("encode %d bytes of text: %w", len(text), ErrInvalidUTF8)
	}
	ids := make([]int, 0, len(text)/3+1)
	var rawSegs, normSegs []segment
	rawSegs = t.rawMatcher.split(rawSegs, text)
	for _, raw := range rawSegs {
		if raw.id >= 0 {
			ids = append(ids, raw.id)
			continue
		}
		normSegs = t.normalizedMatcher.split(normSegs[:0], t.normalizer.apply(raw.text))
		for _, seg := range normSegs {
			if seg.id >= 0 {
				ids = append(ids, seg.id)
				continue
			}
			words, err := t.preTokenizer.split(seg.text)
			if err != nil {
				return nil, fmt.Errorf("encode: %w", err)
			}
			for _, w := range words {
				ids = t.model.encodeWord(ids, w)
			}
		}
	}
	return ids, nil
}
