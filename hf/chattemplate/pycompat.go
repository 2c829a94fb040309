package chattemplate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/exec"
)

// pythonStrMethods and pythonDictMethods name the methods copied from
// gonja's built-in method sets into a template's private ones.
var (
	pythonStrMethods = []string{
		"capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find", "format",
		"format_map", "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier",
		"islower", "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower",
		"lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust",
		"rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title",
		"upper", "zfill",
	}
	pythonDictMethods = []string{"keys", "values", "items", "get", "pop", "setdefault", "update", "copy", "clear"}
)

// newMethods returns method sets for one template: gonja's built-ins with
// Python's behaviour restored where gonja differs. str.replace takes an
// optional count; dict.keys(), values() and items() keep insertion order
// instead of sorting.
func newMethods() exec.Methods {
	str := map[string]exec.Method[string]{}
	for _, name := range pythonStrMethods {
		if m, ok := builtins.Methods.Str.Get(name); ok {
			str[name] = m
		}
	}
	str["replace"] = strReplace
	dict := map[string]exec.Method[map[string]any]{}
	for _, name := range pythonDictMethods {
		if m, ok := builtins.Methods.Dict.Get(name); ok {
			dict[name] = m
		}
	}
	dict["keys"] = orderedDictMethod(func(p *exec.Pair) any { return p.Key.Interface() })
	dict["values"] = orderedDictMethod(func(p *exec.Pair) any { return p.Value.Interface() })
	dict["items"] = orderedDictMethod(func(p *exec.Pair) any { return []any{p.Key.Interface(), p.Value.Interface()} })
	return exec.Methods{
		Bool:  builtins.Methods.Bool,
		Int:   builtins.Methods.Int,
		Float: builtins.Methods.Float,
		Str:   exec.NewMethodSet(str),
		Dict:  exec.NewMethodSet(dict),
		List:  builtins.Methods.List,
	}
}

// strReplace is Python's str.replace(old, new, count=-1).
func strReplace(self string, _ *exec.Value, args *exec.VarArgs) (any, error) {
	if len(args.KwArgs) > 0 || len(args.Args) < 2 || len(args.Args) > 3 {
		return nil, exec.ErrInvalidCall(fmt.Errorf("replace() takes old, new and an optional count"))
	}
	count := -1
	if len(args.Args) == 3 {
		if !args.Args[2].IsInteger() {
			return nil, exec.ErrInvalidCall(fmt.Errorf("replace() count must be an integer"))
		}
		count = args.Args[2].Integer()
	}
	return strings.Replace(self, args.Args[0].String(), args.Args[1].String(), count), nil
}

// orderedDictMethod builds keys(), values() or items(): one element per
// entry, in the dict's insertion order (sorted keys for a plain Go map,
// which has no order).
func orderedDictMethod(element func(*exec.Pair) any) exec.Method[map[string]any] {
	return func(self map[string]any, selfValue *exec.Value, args *exec.VarArgs) (any, error) {
		if len(args.Args) > 0 || len(args.KwArgs) > 0 {
			return nil, exec.ErrInvalidCall(fmt.Errorf("takes no arguments"))
		}
		out := []any{}
		for _, p := range orderedPairs(selfValue, self) {
			out = append(out, element(p))
		}
		return out, nil
	}
}

// orderedPairs returns the entries of a dict value in insertion order; a
// Go map (fallback) gives its keys sorted.
func orderedPairs(v *exec.Value, m map[string]any) []*exec.Pair {
	if v != nil {
		if d, ok := asDict(v); ok {
			return d.Pairs
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]*exec.Pair, len(keys))
	for i, k := range keys {
		pairs[i] = &exec.Pair{Key: exec.AsValue(k), Value: exec.AsValue(m[k])}
	}
	return pairs
}

// filterItems is Jinja's items filter (a mapping's (key, value) pairs),
// keeping the dict's insertion order.
func filterItems(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsError() {
		return in
	}
	if len(params.Args) > 0 || len(params.KwArgs) > 0 {
		return exec.AsValue(fmt.Errorf("items takes no arguments"))
	}
	if in.IsNil() {
		return exec.AsValue([]any{})
	}
	var pairs []*exec.Pair
	if d, ok := asDict(in); ok {
		pairs = d.Pairs
	} else if in.IsDict() {
		pairs = mapToDict(in).Pairs
	} else {
		return exec.AsValue(fmt.Errorf("items requires a mapping"))
	}
	out := make([]any, len(pairs))
	for i, p := range pairs {
		out[i] = []any{p.Key.Interface(), p.Value.Interface()}
	}
	return exec.AsValue(out)
}
