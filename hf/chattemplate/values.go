package chattemplate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// listAsTextMarker is what a message or tool list turns into when a
// template uses it as text. Python raises TypeError for str + list, while
// gonja would silently concatenate the list's text, so Render fails when
// its output contains this marker.
const listAsTextMarker = "\x00vlmask: list used as text\x00"

// pyList is a list handed to a template. It behaves as a list everywhere;
// only its text form is the marker above.
type pyList []any

// String returns the marker that makes Render fail.
func (pyList) String() string { return listAsTextMarker }

// decodeJSON decodes a JSON document into template values the way Python's
// json.loads builds them: objects become ordered *exec.Dict (insertion
// order kept), arrays pyList, integers int, other numbers float64.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeJSONValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

// decodeJSONValue decodes the next value of dec.
func decodeJSONValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			dict := exec.NewDict()
			for dec.More() {
				keyTok, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := keyTok.(string)
				if !ok {
					return nil, fmt.Errorf("object key %v is not a string", keyTok)
				}
				val, err := decodeJSONValue(dec)
				if err != nil {
					return nil, err
				}
				setDictKey(dict, key, val)
			}
			if _, err := dec.Token(); err != nil { // '}'
				return nil, err
			}
			return dict, nil
		case '[':
			list := pyList{}
			for dec.More() {
				val, err := decodeJSONValue(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, val)
			}
			if _, err := dec.Token(); err != nil { // ']'
				return nil, err
			}
			return list, nil
		}
		return nil, fmt.Errorf("unexpected delimiter %v", t)
	case json.Number:
		return pythonNumber(t)
	default: // string, bool, nil
		return t, nil
	}
}

// pythonNumber converts a JSON number as json.loads does: a literal without
// fraction or exponent is an int, anything else a float.
func pythonNumber(n json.Number) (any, error) {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.Atoi(s); err == nil {
			return i, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("number %s: %w", s, err)
	}
	return f, nil
}

// setDictKey sets key in dict, replacing an earlier value in place as a
// Python dict does (the key keeps its first position).
func setDictKey(dict *exec.Dict, key string, val any) {
	for _, p := range dict.Pairs {
		if p.Key.String() == key {
			p.Value = exec.AsValue(val)
			return
		}
	}
	dict.Pairs = append(dict.Pairs, &exec.Pair{Key: exec.AsValue(key), Value: exec.AsValue(val)})
}

// newDict builds an ordered dict from alternating keys and values.
func newDict(kv ...any) *exec.Dict {
	dict := exec.NewDict()
	for i := 0; i+1 < len(kv); i += 2 {
		setDictKey(dict, kv[i].(string), kv[i+1])
	}
	return dict
}

// toTemplateValue converts a Go value handed in through Options into a
// template value. json.RawMessage keeps its key order; Go maps, which have
// none, get their keys sorted.
func toTemplateValue(v any) (any, error) {
	switch t := v.(type) {
	case nil, string, bool, int, float64, *exec.Dict:
		return t, nil
	case int64:
		return int(t), nil
	case int32:
		return int(t), nil
	case float32:
		return float64(t), nil
	case json.RawMessage:
		return decodeJSON(t)
	case []string:
		out := make(pyList, len(t))
		for i, s := range t {
			out[i] = s
		}
		return out, nil
	case pyList:
		return toTemplateValue([]any(t))
	case []any:
		out := make(pyList, len(t))
		for i, e := range t {
			c, err := toTemplateValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		dict := exec.NewDict()
		for _, k := range keys {
			c, err := toTemplateValue(t[k])
			if err != nil {
				return nil, err
			}
			setDictKey(dict, k, c)
		}
		return dict, nil
	}
	return nil, fmt.Errorf("value of type %T cannot be passed to a template", v)
}
