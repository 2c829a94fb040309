package chattemplate

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// jsonOptions are the json.dumps arguments transformers' tojson accepts.
type jsonOptions struct {
	ensureASCII bool
	indent      *string // nil: single line
	itemSep     string
	keySep      string
	sortKeys    bool
}

// filterToJSON is transformers' tojson: json.dumps(x, ensure_ascii=False,
// indent=None, separators=None, sort_keys=False), each overridable by
// keyword. Output is not HTML-escaped.
func filterToJSON(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	opts := jsonOptions{itemSep: ", ", keySep: ": "}
	for name, v := range params.KwArgs {
		switch name {
		case "ensure_ascii":
			opts.ensureASCII = v.IsTrue()
		case "sort_keys":
			opts.sortKeys = v.IsTrue()
		case "indent":
			switch {
			case v.IsNil():
			case v.IsInteger():
				s := strings.Repeat(" ", max(v.Integer(), 0))
				opts.indent = &s
			case v.IsString():
				s := v.String()
				opts.indent = &s
			default:
				return exec.AsValue(fmt.Errorf("tojson: indent must be an integer or a string, not %s", v.String()))
			}
		case "separators":
			if v.IsNil() {
				continue
			}
			if !v.IsList() || v.Len() != 2 {
				return exec.AsValue(fmt.Errorf("tojson: separators must be a pair of strings"))
			}
			item, _ := v.GetItem(0)
			key, _ := v.GetItem(1)
			opts.itemSep, opts.keySep = item.String(), key.String()
		default:
			return exec.AsValue(fmt.Errorf("tojson: unexpected keyword argument %q", name))
		}
	}
	if len(params.Args) > 0 {
		return exec.AsValue(fmt.Errorf("tojson: unexpected positional argument"))
	}
	if opts.indent != nil && params.KwArgs["separators"] == nil {
		opts.itemSep = "," // json.dumps drops the space after ',' when indenting
	}
	var sb strings.Builder
	if err := writePythonJSON(&sb, in, opts, 0); err != nil {
		return exec.AsValue(fmt.Errorf("tojson: %w", err))
	}
	return exec.AsSafeValue(sb.String())
}

// writePythonJSON writes v as Python's json.dumps would.
func writePythonJSON(sb *strings.Builder, v *exec.Value, opts jsonOptions, depth int) error {
	if v == nil || v.IsNil() {
		sb.WriteString("null")
		return nil
	}
	if dict, ok := asDict(v); ok {
		return writeJSONObject(sb, dict, opts, depth)
	}
	switch {
	case v.IsBool():
		if v.Bool() {
			sb.WriteString("true")
		} else {
			sb.WriteString("false")
		}
	case v.IsInteger():
		sb.WriteString(strconv.Itoa(v.Integer()))
	case v.IsFloat():
		sb.WriteString(pythonFloatJSON(v.Float()))
	case v.IsString():
		writeJSONString(sb, v.String(), opts.ensureASCII)
	case v.IsList():
		n := v.Len()
		if n == 0 {
			sb.WriteString("[]")
			return nil
		}
		sb.WriteByte('[')
		for i := range n {
			if i > 0 {
				sb.WriteString(opts.itemSep)
			}
			writeIndent(sb, opts, depth+1)
			item, _ := v.GetItem(i)
			if err := writePythonJSON(sb, item, opts, depth+1); err != nil {
				return err
			}
		}
		writeIndent(sb, opts, depth)
		sb.WriteByte(']')
	case v.IsDict():
		return writeJSONObject(sb, mapToDict(v), opts, depth)
	default:
		return fmt.Errorf("object of type %s is not JSON serializable", v.Val.Type())
	}
	return nil
}

// writeJSONObject writes an ordered dict.
func writeJSONObject(sb *strings.Builder, dict *exec.Dict, opts jsonOptions, depth int) error {
	if len(dict.Pairs) == 0 {
		sb.WriteString("{}")
		return nil
	}
	pairs := dict.Pairs
	if opts.sortKeys {
		pairs = append([]*exec.Pair(nil), pairs...)
		sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].Key.String() < pairs[j].Key.String() })
	}
	sb.WriteByte('{')
	for i, p := range pairs {
		if i > 0 {
			sb.WriteString(opts.itemSep)
		}
		writeIndent(sb, opts, depth+1)
		key, err := pythonJSONKey(p.Key)
		if err != nil {
			return err
		}
		writeJSONString(sb, key, opts.ensureASCII)
		sb.WriteString(opts.keySep)
		if err := writePythonJSON(sb, p.Value, opts, depth+1); err != nil {
			return err
		}
	}
	writeIndent(sb, opts, depth)
	sb.WriteByte('}')
	return nil
}

// pythonJSONKey converts a dict key as json.dumps does: strings as they
// are, numbers, booleans and None to their JSON spelling.
func pythonJSONKey(k *exec.Value) (string, error) {
	switch {
	case k == nil || k.IsNil():
		return "null", nil
	case k.IsString():
		return k.String(), nil
	case k.IsBool():
		if k.Bool() {
			return "true", nil
		}
		return "false", nil
	case k.IsInteger():
		return strconv.Itoa(k.Integer()), nil
	case k.IsFloat():
		return pythonFloatJSON(k.Float()), nil
	}
	return "", fmt.Errorf("keys must be str, int, float, bool or None, not %s", k.Val.Type())
}

// writeIndent starts a new indented line when indenting.
func writeIndent(sb *strings.Builder, opts jsonOptions, depth int) {
	if opts.indent == nil {
		return
	}
	sb.WriteByte('\n')
	for range depth {
		sb.WriteString(*opts.indent)
	}
}

// writeJSONString writes s as a JSON string with Python's escapes: \" \\
// \n \r \t \b \f, \u00XX for other control characters, and with
// ensureASCII every character outside space..tilde (DEL included) as
// \uXXXX (surrogate pairs above U+FFFF).
func writeJSONString(sb *strings.Builder, s string, ensureASCII bool) {
	sb.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			sb.WriteString(`\"`)
		case '\\':
			sb.WriteString(`\\`)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
			sb.WriteString(`\r`)
		case '\t':
			sb.WriteString(`\t`)
		case '\b':
			sb.WriteString(`\b`)
		case '\f':
			sb.WriteString(`\f`)
		default:
			switch {
			case r < 0x20 || (ensureASCII && r > 0x7e && r < 0x10000):
				fmt.Fprintf(sb, `\u%04x`, r)
			case ensureASCII && r >= 0x10000:
				hi, lo := utf16.EncodeRune(r)
				fmt.Fprintf(sb, `\u%04x\u%04x`, hi, lo)
			default:
				sb.WriteRune(r)
			}
		}
	}
	sb.WriteByte('"')
}

// pythonFloatJSON formats f as Python's float.__repr__, which json.dumps
// uses: the shortest round-tripping digits, scientific notation (at least
// two exponent digits) below 1e-4 or from 1e16, and ".0" on integral
// values; Infinity, -Infinity and NaN as json.dumps spells them.
func pythonFloatJSON(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	exp := int(math.Floor(math.Log10(math.Abs(f))))
	// Recompute the decimal exponent from the shortest digits, which can
	// differ from the logarithm near powers of ten.
	digits := strconv.FormatFloat(math.Abs(f), 'e', -1, 64)
	if i := strings.IndexByte(digits, 'e'); i >= 0 {
		exp, _ = strconv.Atoi(digits[i+1:])
	}
	if exp < -4 || exp >= 16 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, e, _ := strings.Cut(s, "e")
		sign := e[0]
		e = strings.TrimLeft(e[1:], "0")
		if len(e) < 2 {
			e = strings.Repeat("0", 2-len(e)) + e
		}
		return mant + "e" + string(sign) + e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsRune(s, '.') {
		s += ".0"
	}
	return s
}

// asDict returns v's ordered dict, if v holds one.
func asDict(v *exec.Value) (*exec.Dict, bool) {
	if !v.Val.IsValid() || !v.Val.CanInterface() {
		return nil, false
	}
	switch d := v.Interface().(type) {
	case *exec.Dict:
		return d, d != nil
	case exec.Dict:
		return &d, true
	}
	return nil, false
}

// mapToDict turns a Go map value (from a template's own dict literal or a
// dict() call) into an ordered dict with sorted keys.
func mapToDict(v *exec.Value) *exec.Dict {
	dict := exec.NewDict()
	rv := v.Val
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		rv = rv.Elem()
	}
	keys := rv.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
	for _, k := range keys {
		dict.Pairs = append(dict.Pairs, &exec.Pair{Key: exec.AsValue(k.Interface()), Value: exec.AsValue(rv.MapIndex(k).Interface())})
	}
	return dict
}
