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
	offset := 0
	for _, raw := range rawSegs {
		atStart := offset == 0
		offset += len(raw.text)
		if raw.id >= 0 {
			ids = append(ids, raw.id)
			continue
		}
		normalized, err := t.normalizer.apply(raw.text)
		if err != nil {
			return nil, fmt.Errorf("encode: %w", err)
		}
		normSegs = t.normalizedMatcher.split(normSegs[:0], normalized)
		for k, seg := range normSegs {
			if seg.id >= 0 {
				ids = append(ids, seg.id)
				continue
			}
			words, err := t.preTokenizer.split(seg.text, atStart && k == 0)
			if err != nil {
				return nil, fmt.Errorf("encode: %w", err)
			}
			for _, w := range words {
				ids = t.model.encodeWord(ids, w.text)
			}
		}
	}
	return ids, nil
}

// EncodeSpecial returns the token ids of text as Hugging Face's
// encode(text, add_special_tokens=True) does: Encode's ids with the
// post-processor's special tokens around them, e.g. Llama's <s> or Gemma's
// <bos> in front. It fails with ErrUnsupported for a post-processor this
// package cannot apply (anything but TemplateProcessing and ByteLevel).
func (t *Tokenizer) EncodeSpecial(text string) ([]int, error) {
	ids, err := t.Encode(text)
	if err != nil {
		return nil, err
	}
	if t.post == nil {
		return ids, nil
	}
	if t.post.err != nil {
		return nil, fmt.Errorf("encode with special tokens: %w", t.post.err)
	}
	out := make([]int, 0, len(t.post.before)+len(ids)+len(t.post.after))
	out = append(append(append(out, t.post.before...), ids...), t.post.after...)
	return out, nil
}
