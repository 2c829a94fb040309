package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// A tokenizer.json is mostly its vocabulary and merges: 33 MB for Gemma 3's
// 262,144 tokens and 514,906 merges, which encoding/json decodes in about a
// second. The loader therefore walks the file's top-level object and the
// model object itself, hands every small field to encoding/json, and reads
// the vocabulary and the merges with the scanners below. Anything the fast
// path is not sure about (a string with escapes or invalid UTF-8) goes
// through encoding/json too, so both paths give the same values.

// jsonField is one member of a JSON object: its decoded key and its raw
// value.
type jsonField struct {
	key   string
	value json.RawMessage
}

// jsonSyntaxError reports a syntax error found by the scanners.
type jsonSyntaxError struct {
	msg string
	off int
}

func (e *jsonSyntaxError) Error() string { return fmt.Sprintf("%s at byte %d", e.msg, e.off) }

// scanner walks JSON text.
type scanner struct {
	data []byte
	pos  int
}

func (s *scanner) fail(msg string) error { return &jsonSyntaxError{msg: msg, off: s.pos} }

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// expect consumes byte c after optional whitespace.
func (s *scanner) expect(c byte) error {
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != c {
		return s.fail(fmt.Sprintf("expected %q", c))
	}
	s.pos++
	return nil
}

// peek returns the next non-space byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return 0
	}
	return s.data[s.pos]
}

// rawString returns the bytes of the string starting at pos, quotes
// included, and whether it holds an escape.
func (s *scanner) rawString() ([]byte, bool, error) {
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, false, s.fail("expected a string")
	}
	start := s.pos
	escaped := false
	for i := s.pos + 1; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '"':
			s.pos = i + 1
			return s.data[start:s.pos], escaped, nil
		case c == '\\':
			escaped = true
			i++
		case c < 0x20:
			return nil, false, &jsonSyntaxError{msg: "control character in string", off: i}
		}
	}
	return nil, false, s.fail("unterminated string")
}

// str reads a string value.
func (s *scanner) str() (string, error) {
	b, err := s.strBytes()
	return string(b), err
}

// strBytes reads a string value. Without escapes the result aliases the
// scanned data; it must not be modified.
func (s *scanner) strBytes() ([]byte, error) {
	raw, escaped, err := s.rawString()
	if err != nil {
		return nil, err
	}
	body := raw[1 : len(raw)-1]
	if !escaped && utf8.Valid(body) {
		return body, nil
	}
	var out string
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, &jsonSyntaxError{msg: err.Error(), off: s.pos - len(raw)}
	}
	return []byte(out), nil
}

// skipValue moves past one JSON value and returns its raw bytes. It checks
// the structure (matching brackets, strings) but not the spelling of
// literals; the values that matter are decoded afterwards, which checks the
// rest.
func (s *scanner) skipValue() (json.RawMessage, error) {
	s.skipSpace()
	start := s.pos
	var open []byte // the closing brackets still expected, innermost last
	for s.pos < len(s.data) {
		switch c := s.data[s.pos]; c {
		case '"':
			if _, _, err := s.rawString(); err != nil {
				return nil, err
			}
			if len(open) == 0 {
				return s.data[start:s.pos], nil
			}
			continue
		case '{':
			open = append(open, '}')
		case '[':
			open = append(open, ']')
		case '}', ']':
			if len(open) == 0 { // the end of a scalar member
				if s.pos == start {
					return nil, s.fail("expected a value")
				}
				return s.data[start:s.pos], nil
			}
			if open[len(open)-1] != c {
				return nil, s.fail("mismatched " + string(c))
			}
			open = open[:len(open)-1]
			if len(open) == 0 {
				s.pos++
				return s.data[start:s.pos], nil
			}
		case ',', ':', ' ', '\t', '\n', '\r':
			if len(open) == 0 {
				if s.pos == start {
					return nil, s.fail("expected a value")
				}
				return s.data[start:s.pos], nil
			}
		}
		s.pos++
	}
	if len(open) != 0 || s.pos == start {
		return nil, s.fail("unexpected end of JSON")
	}
	return s.data[start:s.pos], nil
}

// objectFields splits a JSON object into its members, in order.
func objectFields(data []byte) ([]jsonField, error) {
	s := &scanner{data: data}
	if err := s.expect('{'); err != nil {
		return nil, err
	}
	var fields []jsonField
	if s.peek() == '}' {
		s.pos++
		return fields, s.end()
	}
	for {
		key, err := s.str()
		if err != nil {
			return nil, err
		}
		if err := s.expect(':'); err != nil {
			return nil, err
		}
		v, err := s.skipValue()
		if err != nil {
			return nil, err
		}
		fields = append(fields, jsonField{key: key, value: v})
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return fields, s.end()
		default:
			return nil, s.fail("expected , or }")
		}
	}
}

// end checks that only whitespace follows.
func (s *scanner) end() error {
	if s.peek() != 0 {
		return s.fail("trailing data after the value")
	}
	return nil
}

// parseVocab reads the model's vocab: an object of token → id. The tokens
// are substrings of one copy of raw, so 262,144 of them cost one
// allocation, not one each.
func parseVocab(raw json.RawMessage) (map[string]int32, error) {
	whole := string(raw)
	s := &scanner{data: raw}
	if err := s.expect('{'); err != nil {
		return nil, err
	}
	// Every member but the last is followed by a comma: a cheap upper bound
	// (commas inside tokens add a few) that spares the map's regrowth.
	vocab := make(map[string]int32, bytes.Count(raw, []byte{','})+1)
	if s.peek() == '}' {
		s.pos++
		return vocab, s.end()
	}
	for {
		start := s.pos
		b, err := s.strBytes()
		if err != nil {
			return nil, err
		}
		var tok string
		if s.pos-start >= 2 && len(b) == s.pos-start-2 && string(b) == whole[start+1:s.pos-1] {
			tok = whole[start+1 : s.pos-1]
		} else {
			tok = string(b)
		}
		if err := s.expect(':'); err != nil {
			return nil, err
		}
		num, err := s.skipValue()
		if err != nil {
			return nil, err
		}
		id, err := strconv.ParseInt(string(num), 10, 32)
		if err != nil {
			return nil, fmt.Errorf("vocab token %q: id %s is not a 32-bit integer", tok, num)
		}
		vocab[tok] = int32(id)
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return vocab, s.end()
		default:
			return nil, s.fail("expected , or }")
		}
	}
}

// forEachMerge calls fn with the two parts of every merge, in order, in
// either format: "a b" strings (split at the one space) or ["a", "b"]
// pairs. All entries must use the first entry's format. The parts alias
// the scanned data and are only valid during the call.
func forEachMerge(raw json.RawMessage, fn func(i int, a, b []byte) error) error {
	s := &scanner{data: raw}
	if s.peek() != '[' {
		return fmt.Errorf("merges is not a list: %w", ErrMalformed)
	}
	s.pos++
	if s.peek() == ']' {
		s.pos++
		return s.endMalformed()
	}
	pairs := s.peek() == '['
	for i := 0; ; i++ {
		var a, b []byte
		var err error
		if pairs {
			a, b, err = s.mergePair(i)
		} else {
			a, b, err = s.mergeString(i)
		}
		if err != nil {
			return err
		}
		if err := fn(i, a, b); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return s.endMalformed()
		default:
			return fmt.Errorf("bad merges entry %d: %w: %v", i+1, ErrMalformed, s.fail("expected , or ]"))
		}
	}
}

// mergePair reads one ["a", "b"] entry.
func (s *scanner) mergePair(i int) ([]byte, []byte, error) {
	if s.peek() != '[' {
		return nil, nil, fmt.Errorf("bad merges entry %d: not a pair like the first entry: %w", i, ErrMalformed)
	}
	s.pos++
	var parts [][]byte
	for s.peek() != ']' {
		if len(parts) > 0 {
			if err := s.expect(','); err != nil {
				return nil, nil, fmt.Errorf("bad merges entry %d: %w: %v", i, ErrMalformed, err)
			}
		}
		p, err := s.strBytes()
		if err != nil {
			return nil, nil, fmt.Errorf("bad merges entry %d: %w: %v", i, ErrMalformed, err)
		}
		parts = append(parts, p)
	}
	s.pos++
	if len(parts) != 2 {
		return nil, nil, fmt.Errorf("merges entry %d has %d parts, want 2: %w", i, len(parts), ErrMalformed)
	}
	return parts[0], parts[1], nil
}

// mergeString reads one "a b" entry.
func (s *scanner) mergeString(i int) ([]byte, []byte, error) {
	if s.peek() != '"' {
		return nil, nil, fmt.Errorf("bad merges entry %d: not a string like the first entry: %w", i, ErrMalformed)
	}
	line, err := s.strBytes()
	if err != nil {
		return nil, nil, fmt.Errorf("bad merges entry %d: %w: %v", i, ErrMalformed, err)
	}
	a, b, ok := bytes.Cut(line, []byte{' '})
	if !ok || bytes.IndexByte(b, ' ') >= 0 {
		return nil, nil, fmt.Errorf("merges entry %d %q is not two tokens separated by one space: %w", i, line, ErrMalformed)
	}
	return a, b, nil
}

// endMalformed is end with the error wrapped as ErrMalformed.
func (s *scanner) endMalformed() error {
	if err := s.end(); err != nil {
		return fmt.Errorf("merges: %w: %v", ErrMalformed, err)
	}
	return nil
}
