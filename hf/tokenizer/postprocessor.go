package tokenizer

import (
	"encoding/json"
	"fmt"
)

// postProcessor adds the special tokens of encode(text,
// add_special_tokens=True) around a single sequence: before holds the ids
// that come first (Llama's <s>, Gemma's <bos>), after those that follow.
// A nil *postProcessor adds nothing. err is set for a post-processor this
// package cannot apply; loading still succeeds, and only adding special
// tokens fails.
type postProcessor struct {
	before, after []int
	templates     int
	err           error
}

// templatePieceJSON is one item of TemplateProcessing's single template.
type templatePieceJSON struct {
	SpecialToken *struct {
		ID string `json:"id"`
	} `json:"SpecialToken"`
	Sequence *struct {
		ID string `json:"id"`
	} `json:"Sequence"`
}

// postProcessorJSON is the part of a tokenizer.json post-processor this
// package reads.
type postProcessorJSON struct {
	Type          string              `json:"type"`
	Processors    []json.RawMessage   `json:"processors"`
	Single        []templatePieceJSON `json:"single"`
	SpecialTokens map[string]struct {
		IDs []int `json:"ids"`
	} `json:"special_tokens"`
}

// parsePostProcessor reads the post-processor: null, ByteLevel (adds
// nothing), TemplateProcessing, or a Sequence of those. Other kinds load
// but make EncodeSpecial fail; a malformed one fails the load.
func parsePostProcessor(raw json.RawMessage) (*postProcessor, error) {
	if isJSONNull(raw) {
		return nil, nil
	}
	p := &postProcessor{}
	if err := p.add(raw); err != nil {
		return nil, err
	}
	return p, nil
}

// add appends what raw adds.
func (p *postProcessor) add(raw json.RawMessage) error {
	var c postProcessorJSON
	if err := json.Unmarshal(raw, &c); err != nil {
		return fmt.Errorf("post_processor: %w: %v", ErrMalformed, err)
	}
	switch c.Type {
	case "ByteLevel":
	case "Sequence":
		for _, sub := range c.Processors {
			if err := p.add(sub); err != nil {
				return err
			}
		}
	case "TemplateProcessing":
		return p.addTemplate(c)
	case "":
		return fmt.Errorf("post_processor without a type: %w", ErrMalformed)
	default:
		if p.err == nil {
			p.err = fmt.Errorf("post_processor type %q: %w", c.Type, ErrUnsupported)
		}
	}
	return nil
}

// addTemplate reads TemplateProcessing's single-sequence template: special
// tokens around the one sequence "A". A Sequence may hold one template: a
// second one sees each piece the first produced as a sequence of its own
// and applies its pair template (checked with the Rust tokenizer), which
// is not reproduced here.
func (p *postProcessor) addTemplate(c postProcessorJSON) error {
	if p.templates++; p.templates > 1 && p.err == nil {
		p.err = fmt.Errorf("post_processor Sequence with more than one TemplateProcessing: %w", ErrUnsupported)
	}
	var before, after []int
	seen := false
	for i, item := range c.Single {
		switch {
		case item.Sequence != nil:
			if item.Sequence.ID != "A" || seen {
				return fmt.Errorf("post_processor TemplateProcessing single item %d: sequence %q: %w", i, item.Sequence.ID, ErrMalformed)
			}
			seen = true
		case item.SpecialToken != nil:
			tok, ok := c.SpecialTokens[item.SpecialToken.ID]
			if !ok {
				return fmt.Errorf("post_processor TemplateProcessing: special token %q is not in special_tokens: %w", item.SpecialToken.ID, ErrMalformed)
			}
			if seen {
				after = append(after, tok.IDs...)
			} else {
				before = append(before, tok.IDs...)
			}
		default:
			return fmt.Errorf("post_processor TemplateProcessing single item %d is neither a SpecialToken nor a Sequence: %w", i, ErrMalformed)
		}
	}
	if !seen {
		return fmt.Errorf("post_processor TemplateProcessing: the single template has no sequence A: %w", ErrMalformed)
	}
	p.before, p.after = before, after
	return nil
}
