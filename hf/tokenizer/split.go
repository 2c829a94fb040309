package tokenizer

import (
	"fmt"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
)

// splitBehavior is what a Split pre-tokenizer does with its matches
// (Hugging Face's SplitDelimiterBehavior).
type splitBehavior int

const (
	// splitRemoved drops the matches.
	splitRemoved splitBehavior = iota
	// splitIsolated makes every match a piece of its own.
	splitIsolated
	// splitMergedWithPrevious appends a match to the piece before it.
	splitMergedWithPrevious
	// splitMergedWithNext prepends a match to the piece after it.
	splitMergedWithNext
	// splitContiguous makes each run of adjacent matches one piece.
	splitContiguous
)

// splitBehaviors maps tokenizer.json's names to behaviours.
func splitBehaviors() map[string]splitBehavior {
	return map[string]splitBehavior{
		"Removed": splitRemoved, "Isolated": splitIsolated, "MergedWithPrevious": splitMergedWithPrevious,
		"MergedWithNext": splitMergedWithNext, "Contiguous": splitContiguous,
	}
}

// splitStep is Hugging Face's Split pre-tokenizer.
type splitStep struct {
	re       *regexp2.Regexp
	behavior splitBehavior
	invert   bool
}

func (s *splitStep) apply(dst []piece, p piece) ([]piece, error) {
	return splitPiece(dst, s.re, p, s.behavior, s.invert)
}

// newSplitStep builds a Split pre-tokenizer.
func newSplitStep(c preTokenizerJSON) (*splitStep, error) {
	behavior, ok := splitBehaviors()[c.Behavior]
	if !ok {
		return nil, fmt.Errorf("pre_tokenizer Split with behavior %q: %w", c.Behavior, ErrUnsupported)
	}
	re, err := c.Pattern.compile("pre_tokenizer Split")
	if err != nil {
		return nil, err
	}
	return &splitStep{re: re, behavior: behavior, invert: c.Invert}, nil
}

// span is a byte range of a piece, a match of the pattern or the text
// between two.
type span struct {
	start, end int
	match      bool
}

// splitPiece appends the pieces of p cut at the matches of re, combined as
// behavior says. Empty pieces are dropped, as Hugging Face drops them; a
// piece is atStart when it begins where p does and p is atStart.
func splitPiece(dst []piece, re *regexp2.Regexp, p piece, behavior splitBehavior, invert bool) ([]piece, error) {
	spans, err := matchSpans(re, p.text)
	if err != nil {
		return nil, err
	}
	if invert {
		for i := range spans {
			spans[i].match = !spans[i].match
		}
	}
	for _, sp := range combineSpans(spans, behavior) {
		if sp.start < sp.end {
			dst = append(dst, piece{text: p.text[sp.start:sp.end], atStart: p.atStart && sp.start == 0})
		}
	}
	return dst, nil
}

// matchSpans covers s with spans: the matches of re, left to right, and
// the gaps between them. As in Hugging Face's find_iter, an empty match
// right where the previous match ended is not reported.
func matchSpans(re *regexp2.Regexp, s string) ([]span, error) {
	if s == "" {
		return nil, nil
	}
	runes := []rune(s)
	// byteAt[i] is the byte offset in s of rune i; byteAt[len(runes)] = len(s).
	byteAt := make([]int, len(runes)+1)
	off := 0
	for i, r := range runes {
		byteAt[i] = off
		off += utf8.RuneLen(r)
	}
	byteAt[len(runes)] = off

	var spans []span
	prev, lastMatchEnd := 0, -1
	m, err := re.FindRunesMatch(runes)
	for ; m != nil && err == nil; m, err = re.FindNextMatch(m) {
		start, end := m.Index, m.Index+m.Length
		if start == end && start == lastMatchEnd {
			continue
		}
		if prev != start {
			spans = append(spans, span{byteAt[prev], byteAt[start], false})
		}
		spans = append(spans, span{byteAt[start], byteAt[end], true})
		prev, lastMatchEnd = end, end
	}
	if err != nil {
		return nil, fmt.Errorf("split on pattern %q: %w", re.String(), err)
	}
	if prev != len(runes) {
		spans = append(spans, span{byteAt[prev], len(s), false})
	}
	return spans, nil
}

// combineSpans applies a split behaviour to the spans of a piece and
// returns the spans to keep, in order, exactly as Hugging Face's
// NormalizedString::split combines its matches.
func combineSpans(spans []span, behavior splitBehavior) []span {
	var out []span
	switch behavior {
	case splitRemoved:
		for _, sp := range spans {
			if !sp.match {
				out = append(out, sp)
			}
		}
	case splitIsolated:
		out = spans
	case splitContiguous:
		previous := false
		for _, sp := range spans {
			if sp.match == previous && len(out) > 0 {
				out[len(out)-1].end = sp.end
			} else {
				out = append(out, sp)
			}
			previous = sp.match
		}
	case splitMergedWithPrevious:
		previous := false
		for _, sp := range spans {
			if sp.match && !previous && len(out) > 0 {
				out[len(out)-1].end = sp.end
			} else {
				out = append(out, sp)
			}
			previous = sp.match
		}
	case splitMergedWithNext:
		previous := false
		for i := len(spans) - 1; i >= 0; i-- {
			sp := spans[i]
			if sp.match && !previous && len(out) > 0 {
				out[len(out)-1].start = sp.start
			} else {
				out = append(out, sp)
			}
			previous = sp.match
		}
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out
}
