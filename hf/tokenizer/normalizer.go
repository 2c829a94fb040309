package tokenizer

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dlclark/regexp2"
	"golang.org/x/text/unicode/norm"
)

// normalizer rewrites a text segment before pre-tokenization, applying its
// steps in order. A nil *normalizer, like tokenizer.json's
// "normalizer": null, leaves text as is.
type normalizer struct {
	steps []normStep
}

// normStep is one normalizer of a Sequence.
type normStep interface {
	normalize(s string) (string, error)
}

// apply runs the steps in order.
func (n *normalizer) apply(s string) (string, error) {
	if n == nil {
		return s, nil
	}
	for _, step := range n.steps {
		var err error
		if s, err = step.normalize(s); err != nil {
			return "", err
		}
	}
	return s, nil
}

// unicodeForm is one of the NFC, NFD, NFKC and NFKD normalizers.
type unicodeForm struct{ form norm.Form }

func (u unicodeForm) normalize(s string) (string, error) { return u.form.String(s), nil }

// prependStep is Hugging Face's Prepend normalizer: it puts its text in
// front of every non-empty segment (Llama-2's "▁").
type prependStep struct{ prefix string }

func (p prependStep) normalize(s string) (string, error) {
	if s == "" {
		return s, nil
	}
	return p.prefix + s, nil
}

// replaceStep is Hugging Face's Replace normalizer (and decoder): every
// non-overlapping occurrence of a literal string or a regex, left to right,
// becomes content, taken literally.
type replaceStep struct {
	literal string          // when re is nil
	re      *regexp2.Regexp // a Regex pattern
	content string
}

func (r *replaceStep) normalize(s string) (string, error) {
	if r.re == nil {
		if r.literal == "" {
			return s, nil
		}
		return strings.ReplaceAll(s, r.literal, r.content), nil
	}
	out, err := r.re.ReplaceFunc(s, func(regexp2.Match) string { return r.content }, -1, -1)
	if err != nil {
		return "", fmt.Errorf("replace pattern %q: %w", r.re.String(), err)
	}
	return out, nil
}

// patternJSON is a Replace or Split pattern: {"String": ...} or
// {"Regex": ...}.
type patternJSON struct {
	Regex  *string `json:"Regex"`
	String *string `json:"String"`
}

// compile returns the pattern as a regex; literal strings are escaped.
func (p *patternJSON) compile(what string) (*regexp2.Regexp, error) {
	var pattern string
	switch {
	case p != nil && p.Regex != nil:
		pattern = *p.Regex
	case p != nil && p.String != nil:
		pattern = regexp2.Escape(*p.String)
	default:
		return nil, fmt.Errorf("%s without a Regex or String pattern: %w", what, ErrMalformed)
	}
	re, err := regexp2.Compile(pattern, regexp2.None)
	if err != nil {
		return nil, fmt.Errorf("%s pattern %q: %w: %v", what, pattern, ErrUnsupported, err)
	}
	return re, nil
}

// newReplaceStep builds a Replace normalizer or decoder.
func newReplaceStep(what string, p *patternJSON, content string) (*replaceStep, error) {
	if p != nil && p.Regex == nil && p.String != nil {
		return &replaceStep{literal: *p.String, content: content}, nil
	}
	re, err := p.compile(what)
	if err != nil {
		return nil, err
	}
	return &replaceStep{re: re, content: content}, nil
}

// normalizerJSON is the part of a tokenizer.json normalizer this package
// reads.
type normalizerJSON struct {
	Type        string            `json:"type"`
	Normalizers []json.RawMessage `json:"normalizers"`
	Prepend     *string           `json:"prepend"`
	Pattern     *patternJSON      `json:"pattern"`
	Content     *string           `json:"content"`
}

// parseNormalizer builds the normalizer of a tokenizer.json: null, a
// Unicode normal form, Prepend, Replace, or a Sequence of those.
func parseNormalizer(raw json.RawMessage) (*normalizer, error) {
	if isJSONNull(raw) {
		return nil, nil
	}
	n := &normalizer{}
	if err := n.add(raw); err != nil {
		return nil, err
	}
	return n, nil
}

// add appends the steps raw describes.
func (n *normalizer) add(raw json.RawMessage) error {
	var c normalizerJSON
	if err := json.Unmarshal(raw, &c); err != nil {
		return fmt.Errorf("normalizer: %w: %v", ErrMalformed, err)
	}
	switch c.Type {
	case "NFC":
		n.steps = append(n.steps, unicodeForm{norm.NFC})
	case "NFD":
		n.steps = append(n.steps, unicodeForm{norm.NFD})
	case "NFKC":
		n.steps = append(n.steps, unicodeForm{norm.NFKC})
	case "NFKD":
		n.steps = append(n.steps, unicodeForm{norm.NFKD})
	case "Prepend":
		if c.Prepend == nil {
			return fmt.Errorf("normalizer Prepend without prepend: %w", ErrMalformed)
		}
		n.steps = append(n.steps, prependStep{*c.Prepend})
	case "Replace":
		if c.Content == nil {
			return fmt.Errorf("normalizer Replace without content: %w", ErrMalformed)
		}
		step, err := newReplaceStep("normalizer Replace", c.Pattern, *c.Content)
		if err != nil {
			return err
		}
		n.steps = append(n.steps, step)
	case "Sequence":
		for _, sub := range c.Normalizers {
			if err := n.add(sub); err != nil {
				return err
			}
		}
	case "":
		return fmt.Errorf("normalizer without a type: %w", ErrMalformed)
	default:
		return fmt.Errorf("normalizer type %q: %w", c.Type, ErrUnsupported)
	}
	return nil
}

// isJSONNull reports whether raw is absent or the JSON literal null.
func isJSONNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}
