package tokenizer

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
)

// gpt2SplitPattern is the regex a ByteLevel pre-tokenizer with
// use_regex=true splits on (Hugging Face's ByteLevel, from GPT-2).
const gpt2SplitPattern = `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`

// preTokenizer cuts a normalized text segment into the words BPE encodes,
// applying its steps in order. A nil *preTokenizer leaves the segment whole.
type preTokenizer struct {
	steps []preTokenStep
}

// preTokenStep is one pre-tokenizer of a Sequence: it replaces each piece
// with zero or more pieces, appended to dst.
type preTokenStep interface {
	apply(dst []string, piece string) ([]string, error)
}

// split returns the words of segment.
func (p *preTokenizer) split(segment string) ([]string, error) {
	pieces := []string{segment}
	if p == nil {
		return pieces, nil
	}
	for _, step := range p.steps {
		next := make([]string, 0, len(pieces)*2)
		for _, piece := range pieces {
			var err error
			if next, err = step.apply(next, piece); err != nil {
				return nil, err
			}
		}
		pieces = next
	}
	return pieces, nil
}

// splitStep is Hugging Face's Split pre-tokenizer with behavior Isolated
// (every match and every gap between matches is a piece) or Removed (gaps
// only).
type splitStep struct {
	re            *regexp2.Regexp
	removeMatches bool
}

func (s *splitStep) apply(dst []string, piece string) ([]string, error) {
	return splitOnRegex(dst, s.re, piece, !s.removeMatches)
}

// byteLevelStep is Hugging Face's ByteLevel pre-tokenizer: an optional
// leading space, an optional split on the GPT-2 regex, then every byte
// mapped to its byte-level rune.
type byteLevelStep struct {
	alphabet       *byteLevelAlphabet
	addPrefixSpace bool
	re             *regexp2.Regexp // nil unless use_regex
}

func (b *byteLevelStep) apply(dst []string, piece string) ([]string, error) {
	if b.addPrefixSpace && (len(piece) == 0 || piece[0] != ' ') {
		piece = " " + piece
	}
	start := len(dst)
	if b.re == nil {
		dst = append(dst, piece)
	} else {
		var err error
		if dst, err = splitOnRegex(dst, b.re, piece, true); err != nil {
			return nil, err
		}
	}
	for i := start; i < len(dst); i++ {
		dst[i] = b.alphabet.encode(dst[i])
	}
	return dst, nil
}

// splitOnRegex appends the pieces of s cut at the matches of re: the gaps
// between matches, and the matches themselves when keepMatches is set.
// Empty pieces are dropped, as Hugging Face drops them.
func splitOnRegex(dst []string, re *regexp2.Regexp, s string, keepMatches bool) ([]string, error) {
	if s == "" {
		return dst, nil
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

	prev := 0
	m, err := re.FindRunesMatch(runes)
	for ; m != nil && err == nil; m, err = re.FindNextMatch(m) {
		if m.Length == 0 {
			continue
		}
		if prev < m.Index {
			dst = append(dst, s[byteAt[prev]:byteAt[m.Index]])
		}
		if keepMatches {
			dst = append(dst, s[byteAt[m.Index]:byteAt[m.Index+m.Length]])
		}
		prev = m.Index + m.Length
	}
	if err != nil {
		return nil, fmt.Errorf("split on pattern %q: %w", re.String(), err)
	}
	if prev < len(runes) {
		dst = append(dst, s[byteAt[prev]:])
	}
	return dst, nil
}

// preTokenizerJSON is the part of a tokenizer.json pre-tokenizer this
// package reads.
type preTokenizerJSON struct {
	Type          string            `json:"type"`
	Pretokenizers []json.RawMessage `json:"pretokenizers"`
	Pattern       *struct {
		Regex  *string `json:"Regex"`
		String *string `json:"String"`
	} `json:"pattern"`
	Behavior       string `json:"behavior"`
	Invert         bool   `json:"invert"`
	AddPrefixSpace bool   `json:"add_prefix_space"`
	UseRegex       *bool  `json:"use_regex"`
}

// parsePreTokenizer builds the pre-tokenizer of a tokenizer.json: null,
// Split, ByteLevel, or a Sequence of those.
func parsePreTokenizer(raw json.RawMessage, alphabet *byteLevelAlphabet) (*preTokenizer, error) {
	if isJSONNull(raw) {
		return nil, nil
	}
	p := &preTokenizer{}
	if err := p.add(raw, alphabet); err != nil {
		return nil, err
	}
	return p, nil
}

// add appends the steps raw describes.
func (p *preTokenizer) add(raw json.RawMessage, alphabet *byteLevelAlphabet) error {
	var c preTokenizerJSON
	if err := json.Unmarshal(raw, &c); err != nil {
		return fmt.Errorf("pre_tokenizer: %w: %v", ErrMalformed, err)
	}
	switch c.Type {
	case "Sequence":
		for _, sub := range c.Pretokenizers {
			if err := p.add(sub, alphabet); err != nil {
				return err
			}
		}
		return nil
	case "Split":
		step, err := newSplitStep(c)
		if err != nil {
			return err
		}
		p.steps = append(p.steps, step)
		return nil
	case "ByteLevel":
		step := &byteLevelStep{alphabet: alphabet, addPrefixSpace: c.AddPrefixSpace}
		if c.UseRegex == nil || *c.UseRegex {
			re, err := regexp2.Compile(gpt2SplitPattern, regexp2.None)
			if err != nil {
				return fmt.Errorf("pre_tokenizer ByteLevel regex: %w", err)
			}
			step.re = re
		}
		p.steps = append(p.steps, step)
		return nil
	case "":
		return fmt.Errorf("pre_tokenizer without a type: %w", ErrMalformed)
	}
	return fmt.Errorf("pre_tokenizer type %q: %w", c.Type, ErrUnsupported)
}

// newSplitStep builds a Split pre-tokenizer.
func newSplitStep(c preTokenizerJSON) (*splitStep, error) {
	if c.Invert {
		return nil, fmt.Errorf("pre_tokenizer Split with invert=true: %w", ErrUnsupported)
	}
	var removeMatches bool
	switch c.Behavior {
	case "Isolated":
	case "Removed":
		removeMatches = true
	default:
		return nil, fmt.Errorf("pre_tokenizer Split with behavior %q (only Isolated and Removed): %w", c.Behavior, ErrUnsupported)
	}
	var pattern string
	switch {
	case c.Pattern != nil && c.Pattern.Regex != nil:
		pattern = *c.Pattern.Regex
	case c.Pattern != nil && c.Pattern.String != nil:
		pattern = regexp2.Escape(*c.Pattern.String)
	default:
		return nil, fmt.Errorf("pre_tokenizer Split without a Regex or String pattern: %w", ErrMalformed)
	}
	re, err := regexp2.Compile(pattern, regexp2.None)
	if err != nil {
		return nil, fmt.Errorf("pre_tokenizer Split pattern %q: %w: %v", pattern, ErrUnsupported, err)
	}
	return &splitStep{re: re, removeMatches: removeMatches}, nil
}
