package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// AddedToken is an entry of tokenizer.json's added_tokens: a token matched
// in the text before BPE runs, such as <|im_start|> or <think>.
type AddedToken struct {
	// ID is the token's id.
	ID int
	// Content is the exact text the token stands for.
	Content string
	// Special marks control tokens (skipped by skip_special_tokens).
	Special bool
	// Normalized tokens are matched in the normalized text, others in the
	// raw text.
	Normalized bool
	// LStrip makes a match swallow the whitespace on its left.
	LStrip bool
	// RStrip makes a match swallow the whitespace on its right.
	RStrip bool
	// SingleWord tokens only match when not glued to word characters.
	SingleWord bool
}

// segment is a piece of text that is either an added token (id >= 0) or
// ordinary text still to be encoded (id < 0).
type segment struct {
	text string
	id   int
}

// addedMatcher finds added tokens in text by leftmost-longest match, like
// the Aho-Corasick automaton (MatchKind::LeftmostLongest) Hugging Face
// builds: the earliest start wins, and among matches starting there the
// longest. It walks a byte trie of the patterns from each start position,
// so a text costs at most its length times the longest pattern, however
// many tokens there are (Gemma 3 has 6,415).
type addedMatcher struct {
	patterns []string
	tokens   []AddedToken
	// edges maps node<<8 | byte to the child node; node 0 is the root.
	edges map[uint64]int32
	// accept[node] is the index of the pattern ending at node, or -1.
	accept []int32
	// first[b] reports whether some pattern starts with byte b.
	first [256]bool
}

// newAddedMatcher builds a matcher for tokens, each matched as the
// corresponding entry of patterns. Empty patterns never match; of two equal
// patterns the first wins.
func newAddedMatcher(tokens []AddedToken, patterns []string) *addedMatcher {
	m := &addedMatcher{patterns: patterns, tokens: tokens, edges: make(map[uint64]int32), accept: []int32{-1}}
	for i, p := range patterns {
		if p == "" {
			continue
		}
		m.first[p[0]] = true
		node := int32(0)
		for j := 0; j < len(p); j++ {
			key := uint64(node)<<8 | uint64(p[j])
			child, ok := m.edges[key]
			if !ok {
				child = int32(len(m.accept))
				m.accept = append(m.accept, -1)
				m.edges[key] = child
			}
			node = child
		}
		if m.accept[node] < 0 {
			m.accept[node] = int32(i)
		}
	}
	return m
}

// empty reports whether the matcher can never match.
func (m *addedMatcher) empty() bool {
	return m == nil || len(m.accept) == 1
}

// find returns the leftmost-longest match at or after from, as the pattern
// index and its byte range, or ok=false.
func (m *addedMatcher) find(s string, from int) (idx, start, end int, ok bool) {
	for i := from; i < len(s); i++ {
		if !m.first[s[i]] {
			continue
		}
		best, bestEnd := int32(-1), 0
		node := int32(0)
		for j := i; j < len(s); j++ {
			child, found := m.edges[uint64(node)<<8|uint64(s[j])]
			if !found {
				break
			}
			node = child
			if p := m.accept[node]; p >= 0 {
				best, bestEnd = p, j+1
			}
		}
		if best >= 0 {
			return int(best), i, bestEnd, true
		}
	}
	return 0, 0, 0, false
}

// split appends to dst the segments of s: added-token matches (with their
// lstrip/rstrip whitespace) and the text between them. A single_word token
// glued to a word character is not a match, and its text stays ordinary.
// Empty text segments are dropped.
func (m *addedMatcher) split(dst []segment, s string) []segment {
	if m.empty() {
		if s != "" {
			dst = append(dst, segment{text: s, id: -1})
		}
		return dst
	}
	textStart := 0
	for pos := 0; pos < len(s); {
		idx, start, end, ok := m.find(s, pos)
		if !ok {
			break
		}
		pos = end // non-overlapping, whether or not the match is kept
		tok := m.tokens[idx]
		if tok.SingleWord && (endsWithWordChar(s[:start]) || startsWithWordChar(s[end:])) {
			continue
		}
		if tok.LStrip {
			start = max(start-trailingSpaceLen(s[:start]), textStart)
		}
		if tok.RStrip {
			end += leadingSpaceLen(s[end:])
			pos = end
		}
		if textStart < start {
			dst = append(dst, segment{text: s[textStart:start], id: -1})
		}
		dst = append(dst, segment{text: s[start:end], id: tok.ID})
		textStart = end
	}
	if textStart < len(s) {
		dst = append(dst, segment{text: s[textStart:], id: -1})
	}
	return dst
}

// isWordChar is Rust regex's Unicode \w: Alphabetic, marks, decimal digits,
// connector punctuation and join controls.
func isWordChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) ||
		unicode.In(r, unicode.Nl, unicode.Other_Alphabetic, unicode.Nd, unicode.Pc, unicode.Join_Control)
}

// endsWithWordChar reports whether the last rune of s is a word character.
func endsWithWordChar(s string) bool {
	r, n := utf8.DecodeLastRuneInString(s)
	return n > 0 && isWordChar(r)
}

// startsWithWordChar reports whether the first rune of s is a word
// character.
func startsWithWordChar(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	return n > 0 && isWordChar(r)
}

// trailingSpaceLen is the byte length of the run of Unicode whitespace that
// ends s.
func trailingSpaceLen(s string) int {
	n := 0
	for len(s) > n {
		r, size := utf8.DecodeLastRuneInString(s[:len(s)-n])
		if !unicode.IsSpace(r) {
			break
		}
		n += size
	}
	return n
}

// leadingSpaceLen is the byte length of the run of Unicode whitespace that
// starts s.
func leadingSpaceLen(s string) int {
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if !unicode.IsSpace(r) {
			break
		}
		n += size
	}
	return n
}
