package tokenizer

// Decode returns the text of a token sequence, as Hugging Face's
// decode(ids, skip_special_tokens=False): every token, added tokens
// included as their content, goes through the file's decoder. A byte-level
// decoder joins the tokens' bytes and reads them as UTF-8, replacing each
// maximal invalid subsequence (e.g. a character cut between two tokens)
// with one U+FFFD; a SentencePiece-style one turns "▁" back into spaces,
// joins runs of "<0xNN>" byte tokens (one U+FFFD per byte when they are not
// valid UTF-8) and, for Llama, strips one leading space. Without a decoder
// the tokens are joined with spaces. Unknown ids are skipped.
func (t *Tokenizer) Decode(ids []int) string {
	tokens := make([]string, 0, len(ids))
	for _, id := range ids {
		if s, ok := t.TokenString(id); ok {
			tokens = append(tokens, s)
		}
	}
	return t.decoder.decode(tokens)
}

// DecodeToken returns the text of one token alone, Decode([]int{id}): a
// byte token that is only part of a UTF-8 character gives "\uFFFD", and a
// Llama "▁is" gives "is" (its decoder strips the leading space).
func (t *Tokenizer) DecodeToken(id int) string {
	return t.Decode([]int{id})
}
