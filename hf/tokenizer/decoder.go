package tokenizer

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// decoder turns token strings back into text: each step maps the list of
// token strings to a new list (Hugging Face's decode_chain), and the
// result is their concatenation. A nil *decoder, like "decoder": null,
// joins the tokens with spaces.
type decoder struct {
	steps []decodeStep
}

// decodeStep is one decoder of a Sequence.
type decodeStep interface {
	decodeChain(tokens []string) []string
}

// decode runs the steps and joins the result.
func (d *decoder) decode(tokens []string) string {
	if d == nil {
		return strings.Join(tokens, " ")
	}
	for _, s := range d.steps {
		tokens = s.decodeChain(tokens)
	}
	return strings.Join(tokens, "")
}

// byteLevelDecoder maps byte-level runes back to bytes and reads the
// whole sequence as UTF-8, replacing invalid parts (see appendUTF8Lossy).
type byteLevelDecoder struct{ alphabet *byteLevelAlphabet }

func (b byteLevelDecoder) decodeChain(tokens []string) []string {
	n := 0
	for _, t := range tokens {
		n += len(t)
	}
	raw := make([]byte, 0, n)
	for _, t := range tokens {
		raw = b.alphabet.appendDecoded(raw, t)
	}
	return []string{string(appendUTF8Lossy(make([]byte, 0, len(raw)), raw))}
}

// replaceDecoder is the Replace decoder: a Replace normalizer applied to
// every token.
type replaceDecoder struct{ r *replaceStep }

func (d replaceDecoder) decodeChain(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		s, err := d.r.normalize(t)
		if err != nil { // a regex timeout; there is none set
			s = t
		}
		out[i] = s
	}
	return out
}

// byteFallbackDecoder joins each run of "<0xNN>" byte tokens into the text
// they spell; a run that is not valid UTF-8 becomes one U+FFFD per byte.
type byteFallbackDecoder struct{}

func (byteFallbackDecoder) decodeChain(tokens []string) []string {
	out := make([]string, 0, len(tokens))
	var run []byte
	flush := func() {
		if len(run) == 0 {
			return
		}
		if utf8.Valid(run) {
			out = append(out, string(run))
		} else {
			for range run {
				out = append(out, "\uFFFD")
			}
		}
		run = run[:0]
	}
	for _, t := range tokens {
		if b, ok := byteToken(t); ok {
			run = append(run, b)
			continue
		}
		flush()
		out = append(out, t)
	}
	flush()
	return out
}

// byteToken reads a "<0xNN>" token: six bytes, two hexadecimal digits as
// Rust's u8::from_str_radix reads them.
func byteToken(t string) (byte, bool) {
	if len(t) != 6 || !strings.HasPrefix(t, "<0x") || t[5] != '>' {
		return 0, false
	}
	digits := t[3:5]
	if digits[0] == '+' { // from_str_radix accepts one leading plus sign
		digits = digits[1:]
	}
	v, err := strconv.ParseUint(digits, 16, 8)
	if err != nil {
		return 0, false
	}
	return byte(v), true
}

// fuseDecoder joins all tokens into one.
type fuseDecoder struct{}

func (fuseDecoder) decodeChain(tokens []string) []string {
	return []string{strings.Join(tokens, "")}
}

// stripDecoder removes up to start leading and stop trailing occurrences
// of a character from every token.
type stripDecoder struct {
	content     rune
	start, stop int
}

func (d stripDecoder) decodeChain(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		runes := []rune(t)
		lo := 0
		for lo < d.start && lo < len(runes) && runes[lo] == d.content {
			lo++
		}
		hi := len(runes)
		for n := 0; n < d.stop && hi > 0 && runes[hi-1] == d.content; n++ {
			hi--
		}
		if hi < lo {
			hi = lo
		}
		out[i] = string(runes[lo:hi])
	}
	return out
}

// metaspaceDecoder is the Metaspace decoder.
type metaspaceDecoder struct{ m *metaspace }

func (d metaspaceDecoder) decodeChain(tokens []string) []string { return d.m.decode(tokens) }

// decoderJSON is the part of a tokenizer.json decoder this package reads.
type decoderJSON struct {
	Type           string            `json:"type"`
	Decoders       []json.RawMessage `json:"decoders"`
	Pattern        *patternJSON      `json:"pattern"`
	Content        *string           `json:"content"`
	Start          *int              `json:"start"`
	Stop           *int              `json:"stop"`
	Replacement    *string           `json:"replacement"`
	PrependScheme  *string           `json:"prepend_scheme"`
	AddPrefixSpace *bool             `json:"add_prefix_space"`
	Split          *bool             `json:"split"`
}

// parseDecoder builds the decoder of a tokenizer.json: null, ByteLevel,
// Replace, ByteFallback, Fuse, Strip, Metaspace, or a Sequence of those.
func parseDecoder(raw json.RawMessage, alphabet *byteLevelAlphabet) (*decoder, error) {
	if isJSONNull(raw) {
		return nil, nil
	}
	d := &decoder{}
	if err := d.add(raw, alphabet); err != nil {
		return nil, err
	}
	return d, nil
}

// add appends the steps raw describes.
func (d *decoder) add(raw json.RawMessage, alphabet *byteLevelAlphabet) error {
	var c decoderJSON
	if err := json.Unmarshal(raw, &c); err != nil {
		return fmt.Errorf("decoder: %w: %v", ErrMalformed, err)
	}
	switch c.Type {
	case "Sequence":
		for _, sub := range c.Decoders {
			if err := d.add(sub, alphabet); err != nil {
				return err
			}
		}
	case "ByteLevel":
		d.steps = append(d.steps, byteLevelDecoder{alphabet})
	case "Replace":
		if c.Content == nil {
			return fmt.Errorf("decoder Replace without content: %w", ErrMalformed)
		}
		r, err := newReplaceStep("decoder Replace", c.Pattern, *c.Content)
		if err != nil {
			return err
		}
		d.steps = append(d.steps, replaceDecoder{r})
	case "ByteFallback":
		d.steps = append(d.steps, byteFallbackDecoder{})
	case "Fuse":
		d.steps = append(d.steps, fuseDecoder{})
	case "Strip":
		step, err := newStripDecoder(c)
		if err != nil {
			return err
		}
		d.steps = append(d.steps, step)
	case "Metaspace":
		m, err := newMetaspace("decoder", c.Replacement, c.PrependScheme, c.AddPrefixSpace, c.Split)
		if err != nil {
			return err
		}
		d.steps = append(d.steps, metaspaceDecoder{m})
	case "":
		return fmt.Errorf("decoder without a type: %w", ErrMalformed)
	default:
		return fmt.Errorf("decoder type %q: %w", c.Type, ErrUnsupported)
	}
	return nil
}

// newStripDecoder reads a Strip decoder: one character and two counts.
func newStripDecoder(c decoderJSON) (stripDecoder, error) {
	if c.Content == nil || c.Start == nil || c.Stop == nil || *c.Start < 0 || *c.Stop < 0 {
		return stripDecoder{}, fmt.Errorf("decoder Strip needs content, start and stop: %w", ErrMalformed)
	}
	r, size := utf8.DecodeRuneInString(*c.Content)
	if size == 0 || size != len(*c.Content) {
		return stripDecoder{}, fmt.Errorf("decoder Strip content %q is not one character: %w", *c.Content, ErrMalformed)
	}
	return stripDecoder{content: r, start: *c.Start, stop: *c.Stop}, nil
}
