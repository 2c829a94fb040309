package tokenizer

import "strings"

// Decode returns the text of a token sequence, as Hugging Face's
// decode(ids, skip_special_tokens=False): special tokens render as their
// content, the byte-level bytes of all tokens are joined and read as UTF-8,
// and each maximal invalid subsequence (e.g. a character cut between two
// tokens) becomes one U+FFFD. Unknown ids are skipped.
func (t *Tokenizer) Decode(ids []int) string {
	if t.byteLevel == nil {
		parts := make([]string, 0, len(ids))
		for _, id := range ids {
			if s, ok := t.TokenString(id); ok {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, " ")
	}
	raw := make([]byte, 0, 4*len(ids))
	for _, id := range ids {
		if s, ok := t.TokenString(id); ok {
			raw = t.byteLevel.appendDecoded(raw, s)
		}
	}
	return string(appendUTF8Lossy(make([]byte, 0, len(raw)), raw))
}

// DecodeToken returns the text of one token alone, Decode([]int{id}): a
// byte token that is only part of a UTF-8 character gives "\uFFFD".
func (t *Tokenizer) DecodeToken(id int) string {
	return t.Decode([]int{id})
}
