package testmodel

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// object is a JSON object that keeps its members in the given order, as
// Python's json.dumps writes a dict that was not sorted.
type object []member

// member is one key and value of an object.
type member struct {
	key   string
	value any
}

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := encodeCompact(m.key)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		v, err := encodeCompact(m.value)
		if err != nil {
			return nil, err
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// pyFloat is a float written as Python's repr writes it, so configuration
// files read as transformers writes them: 5000000.0, 1e-06, 0.02, 0.0.
type pyFloat float64

// MarshalJSON writes the shortest decimal that round-trips, in Python's
// repr layout: positional for decimal exponents -4..15 (with ".0" when
// integral), else scientific with a signed two-digit exponent.
func (f pyFloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return nil, &json.UnsupportedValueError{Str: strconv.FormatFloat(x, 'g', -1, 64)}
	}
	sci := strconv.FormatFloat(x, 'e', -1, 64) // e.g. "5e+06", "1.5e-07"
	mant, expStr, _ := strings.Cut(sci, "e")
	exp, err := strconv.Atoi(expStr)
	if err != nil {
		return nil, err
	}
	if exp >= -4 && exp < 16 {
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if !strings.ContainsAny(s, ".") {
			s += ".0"
		}
		return []byte(s), nil
	}
	sign := "+"
	if exp < 0 {
		sign, exp = "-", -exp
	}
	return []byte(mant + "e" + sign + pad2(exp)), nil
}

// pad2 writes n with at least two digits.
func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// encodeCompact returns v's compact JSON without HTML escaping (so "<|" stays
// as written, as Python writes it).
func encodeCompact(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// encodeIndented returns v's JSON indented by indent per level, without HTML
// escaping, with a final newline when newline is set (transformers ends
// config files with one; tokenizer files have none).
func encodeIndented(v any, indent string, newline bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	out := buf.Bytes()
	if !newline {
		out = bytes.TrimSuffix(out, []byte("\n"))
	}
	return out, nil
}
