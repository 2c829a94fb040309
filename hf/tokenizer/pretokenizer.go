package tokenizer

import (
	"encoding/json"
	"fmt"

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

// piece is a part of a segment on its way through the pre-tokenizer.
// atStart marks the piece that begins at the start of the whole input
// text (Hugging Face's original offset 0), which Metaspace's "first"
// prepend scheme looks at.
type piece struct {
	text    string
	atStart bool
}

// preTokenStep is one pre-tokenizer of a Sequence: it replaces p with zero
// or more pieces, appended to dst.
type preTokenStep interface {
	apply(dst []piece, p piece) ([]piece, error)
}

// split returns the words of segment; atStart says whether the segment
// begins the input text.
func (p *preTokenizer) split(segment string, atStart bool) ([]piece, error) {
	pieces := []piece{{text: segment, atStart: atStart}}
	if p == nil {
		return pieces, nil
	}
	for _, step := range p.steps {
		next := make([]piece, 0, len(pieces)*2)
		for _, pc := range pieces {
			var err error
			if next, err = step.apply(next, pc); err != nil {
				return nil, err
			}
		}
		pieces = next
	}
	return pieces, nil
}

// byteLevelStep is Hugging Face's ByteLevel pre-tokenizer: an optional
// leading space, an optional split on the GPT-2 regex, then every byte
// mapped to its byte-level rune.
type byteLevelStep struct {
	alphabet       *byteLevelAlphabet
	addPrefixSpace bool
	re             *regexp2.Regexp // nil unless use_regex
}

func (b *byteLevelStep) apply(dst []piece, p piece) ([]piece, error) {
	if b.addPrefixSpace && (len(p.text) == 0 || p.text[0] != ' ') {
		p.text = " " + p.text
	}
	start := len(dst)
	if b.re == nil {
		dst = append(dst, p)
	} else {
		var err error
		if dst, err = splitPiece(dst, b.re, p, splitIsolated, false); err != nil {
			return nil, err
		}
	}
	for i := start; i < len(dst); i++ {
		dst[i].text = b.alphabet.encode(dst[i].text)
	}
	return dst, nil
}

// preTokenizerJSON is the part of a tokenizer.json pre-tokenizer this
// package reads.
type preTokenizerJSON struct {
	Type           string            `json:"type"`
	Pretokenizers  []json.RawMessage `json:"pretokenizers"`
	Pattern        *patternJSON      `json:"pattern"`
	Behavior       string            `json:"behavior"`
	Invert         bool              `json:"invert"`
	AddPrefixSpace *bool             `json:"add_prefix_space"`
	UseRegex       *bool             `json:"use_regex"`
	Replacement    *string           `json:"replacement"`
	PrependScheme  *string           `json:"prepend_scheme"`
	Split          *bool             `json:"split"`
}

// parsePreTokenizer builds the pre-tokenizer of a tokenizer.json: null,
// Split, ByteLevel, Metaspace, or a Sequence of those.
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
		step := &byteLevelStep{alphabet: alphabet, addPrefixSpace: c.AddPrefixSpace != nil && *c.AddPrefixSpace}
		if c.UseRegex == nil || *c.UseRegex {
			re, err := regexp2.Compile(gpt2SplitPattern, regexp2.None)
			if err != nil {
				return fmt.Errorf("pre_tokenizer ByteLevel regex: %w", err)
			}
			step.re = re
		}
		p.steps = append(p.steps, step)
		return nil
	case "Metaspace":
		m, err := newMetaspace("pre_tokenizer", c.Replacement, c.PrependScheme, c.AddPrefixSpace, c.Split)
		if err != nil {
			return err
		}
		p.steps = append(p.steps, m)
		return nil
	case "":
		return fmt.Errorf("pre_tokenizer without a type: %w", ErrMalformed)
	}
	return fmt.Errorf("pre_tokenizer type %q: %w", c.Type, ErrUnsupported)
}
