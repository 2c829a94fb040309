package tokenizer

import (
	"encoding/json"
	"fmt"

	"golang.org/x/text/unicode/norm"
)

// normalizer rewrites a text segment before pre-tokenization. A nil
// *normalizer, like tokenizer.json's "normalizer": null, leaves text as is.
type normalizer struct {
	forms []norm.Form
}

// apply runs the normalization forms in order.
func (n *normalizer) apply(s string) string {
	if n == nil {
		return s
	}
	for _, f := range n.forms {
		s = f.String(s)
	}
	return s
}

// normalizerJSON is the part of a tokenizer.json normalizer this package
// reads.
type normalizerJSON struct {
	Type        string            `json:"type"`
	Normalizers []json.RawMessage `json:"normalizers"`
}

// parseNormalizer builds the normalizer of a tokenizer.json: null, one of
// the Unicode normal forms, or a Sequence of those.
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

// add appends the forms raw describes.
func (n *normalizer) add(raw json.RawMessage) error {
	var c normalizerJSON
	if err := json.Unmarshal(raw, &c); err != nil {
		return fmt.Errorf("normalizer: %w: %v", ErrMalformed, err)
	}
	switch c.Type {
	case "NFC":
		n.forms = append(n.forms, norm.NFC)
	case "NFD":
		n.forms = append(n.forms, norm.NFD)
	case "NFKC":
		n.forms = append(n.forms, norm.NFKC)
	case "NFKD":
		n.forms = append(n.forms, norm.NFKD)
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
