package tokenizer

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// prependScheme says when Metaspace puts its replacement character in
// front of a piece.
type prependScheme int

const (
	// prependAlways: every piece that does not start with it.
	prependAlways prependScheme = iota
	// prependFirst: only the piece that starts the input text.
	prependFirst
	// prependNever: no piece.
	prependNever
)

// metaspace is Hugging Face's Metaspace pre-tokenizer and decoder, the
// SentencePiece convention of writing spaces as "▁": the pre-tokenizer
// replaces every space with the replacement character, prepends one as
// its scheme says and, with split, cuts the piece before every
// replacement character; the decoder turns them back into spaces.
type metaspace struct {
	replacement rune
	scheme      prependScheme
	split       bool
}

// newMetaspace reads Metaspace's settings. Older files give
// add_prefix_space (true: always, false: never) instead of prepend_scheme;
// the defaults are "▁", always and split.
func newMetaspace(what string, replacement, scheme *string, addPrefixSpace, split *bool) (*metaspace, error) {
	m := &metaspace{replacement: '▁', scheme: prependAlways, split: true}
	if replacement != nil {
		r, size := utf8.DecodeRuneInString(*replacement)
		if size == 0 || size != len(*replacement) {
			return nil, fmt.Errorf("%s Metaspace replacement %q is not one character: %w", what, *replacement, ErrMalformed)
		}
		m.replacement = r
	}
	switch {
	case scheme != nil:
		switch *scheme {
		case "always":
		case "first":
			m.scheme = prependFirst
		case "never":
			m.scheme = prependNever
		default:
			return nil, fmt.Errorf("%s Metaspace prepend_scheme %q: %w", what, *scheme, ErrUnsupported)
		}
	case addPrefixSpace != nil && !*addPrefixSpace:
		m.scheme = prependNever
	}
	if split != nil {
		m.split = *split
	}
	return m, nil
}

func (m *metaspace) apply(dst []piece, p piece) ([]piece, error) {
	rep := string(m.replacement)
	text := strings.ReplaceAll(p.text, " ", rep)
	if !strings.HasPrefix(text, rep) && (m.scheme == prependAlways || m.scheme == prependFirst && p.atStart) {
		text = rep + text
	}
	if !m.split {
		return append(dst, piece{text: text, atStart: p.atStart}), nil
	}
	// Cut before every replacement character (MergedWithNext).
	start := 0
	for i := 1; i < len(text); i++ {
		if strings.HasPrefix(text[i:], rep) {
			dst = append(dst, piece{text: text[start:i], atStart: p.atStart && start == 0})
			start = i
		}
	}
	if start < len(text) {
		dst = append(dst, piece{text: text[start:], atStart: p.atStart && start == 0})
	}
	return dst, nil
}

// decode turns replacement characters into spaces; in the first token,
// unless the scheme is never, they are dropped, as Hugging Face's
// Metaspace decoder does.
func (m *metaspace) decode(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, tok := range tokens {
		var sb strings.Builder
		for _, r := range tok {
			switch {
			case r != m.replacement:
				sb.WriteRune(r)
			case i == 0 && m.scheme != prependNever:
			default:
				sb.WriteByte(' ')
			}
		}
		out[i] = sb.String()
	}
	return out
}
