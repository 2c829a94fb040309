package checkpoint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// object reads typed fields from one JSON object, treating null as absent.
// The first type error is kept in err (a pointer shared with sub-objects)
// and names the field by its dotted path, so callers can read every field
// and check once.
type object struct {
	path   string // "" at the top level, "text_config." below
	fields map[string]json.RawMessage
	err    *error
}

// parseObject decodes b as a JSON object.
func parseObject(b []byte) (*object, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	if fields == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	var err error
	return &object{fields: fields, err: &err}, nil
}

// raw returns the field's JSON, or false when it is absent or null.
func (o *object) raw(key string) (json.RawMessage, bool) {
	v, ok := o.fields[key]
	if !ok || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		return nil, false
	}
	return v, true
}

// has reports whether the field is present and not null.
func (o *object) has(key string) bool {
	_, ok := o.raw(key)
	return ok
}

func (o *object) fail(key, want string, v json.RawMessage) {
	if *o.err == nil {
		*o.err = fmt.Errorf("%s%s: want %s, got %s: %w", o.path, key, want, truncate(v), ErrInvalidConfig)
	}
}

// sub returns the nested object under key, or false when it is absent.
func (o *object) sub(key string) (*object, bool) {
	v, ok := o.raw(key)
	if !ok {
		return nil, false
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(v, &fields); err != nil {
		o.fail(key, "an object", v)
		return nil, false
	}
	return &object{path: o.path + key + ".", fields: fields, err: o.err}, true
}

// integer reads an integral number (2 or 2.0).
func integer(v json.RawMessage) (int, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || v[0] == '"' {
		return 0, false
	}
	if n, err := strconv.ParseInt(string(v), 10, 64); err == nil && n >= math.MinInt && n <= math.MaxInt {
		return int(n), true
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int(f), true
}

// int reads an integer field, def when absent.
func (o *object) int(key string, def int) int {
	v, ok := o.raw(key)
	if !ok {
		return def
	}
	n, ok := integer(v)
	if !ok {
		o.fail(key, "an integer", v)
		return def
	}
	return n
}

// float reads a number field, def when absent.
func (o *object) float(key string, def float64) float64 {
	v, ok := o.raw(key)
	if !ok {
		return def
	}
	var f float64
	if bytes.HasPrefix(bytes.TrimSpace(v), []byte(`"`)) || json.Unmarshal(v, &f) != nil {
		o.fail(key, "a number", v)
		return def
	}
	return f
}

// str reads a string field, def when absent.
func (o *object) str(key, def string) string {
	v, ok := o.raw(key)
	if !ok {
		return def
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		o.fail(key, "a string", v)
		return def
	}
	return s
}

// boolean reads a true/false field, def when absent.
func (o *object) boolean(key string, def bool) bool {
	v, ok := o.raw(key)
	if !ok {
		return def
	}
	var b bool
	if json.Unmarshal(v, &b) != nil {
		o.fail(key, "true or false", v)
		return def
	}
	return b
}

// ints reads a list of integers, a copy of def when absent.
func (o *object) ints(key string, def []int) []int {
	v, ok := o.raw(key)
	if !ok {
		return append([]int(nil), def...)
	}
	var items []json.RawMessage
	if json.Unmarshal(v, &items) != nil {
		o.fail(key, "a list of integers", v)
		return append([]int(nil), def...)
	}
	out := make([]int, len(items))
	for i, item := range items {
		n, ok := integer(item)
		if !ok {
			o.fail(key, "a list of integers", v)
			return append([]int(nil), def...)
		}
		out[i] = n
	}
	return out
}

// intOrInts reads a field that is one integer or a list of them, as
// eos_token_id is; nil when absent.
func (o *object) intOrInts(key string) []int {
	v, ok := o.raw(key)
	if !ok {
		return nil
	}
	if n, ok := integer(v); ok {
		return []int{n}
	}
	return o.ints(key, nil)
}

// strs reads a list of strings, nil when absent.
func (o *object) strs(key string) []string {
	v, ok := o.raw(key)
	if !ok {
		return nil
	}
	var out []string
	if json.Unmarshal(v, &out) != nil {
		o.fail(key, "a list of strings", v)
		return nil
	}
	return out
}

// truncate shortens a JSON value for an error message.
func truncate(v json.RawMessage) string {
	s := string(bytes.TrimSpace(v))
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
