package chattemplate

import (
	"math"
	"testing"
)

// TestPythonFloatJSON checks float formatting against Python's
// json.dumps (expected values computed with CPython 3.11).
func TestPythonFloatJSON(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{1.5, "1.5"}, {0.1, "0.1"}, {100.0, "100.0"}, {2.0, "2.0"}, {1e-05, "1e-05"},
		{0.0001, "0.0001"}, {2.5e20, "2.5e+20"}, {1e16, "1e+16"}, {9999999999999998.0, "9999999999999998.0"},
		{123456789.125, "123456789.125"}, {-0.5, "-0.5"}, {math.Copysign(0, -1), "-0.0"}, {0, "0.0"},
		{1e-7, "1e-07"}, {5e-324, "5e-324"}, {1.7976931348623157e308, "1.7976931348623157e+308"},
		{1e15, "1000000000000000.0"}, {123456.789e3, "123456789.0"}, {0.00012345, "0.00012345"},
		{math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"}, {math.NaN(), "NaN"},
	}
	for _, tt := range tests {
		if got := pythonFloatJSON(tt.in); got != tt.want {
			t.Errorf("pythonFloatJSON(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestToJSONFilter checks the tojson filter and its keyword arguments
// against Python's json.dumps (expected values computed with CPython 3.11).
func TestToJSONFilter(t *testing.T) {
	const data = `{"b": [1, {"a": null}], "é": "\u2028\u007f\u0001\"\\/😀", "a": []}`
	tests := []struct {
		name, template, want string
	}{
		{"defaults", `{{ x | tojson }}`, "{\"b\": [1, {\"a\": null}], \"é\": \"\u2028\u007f\\u0001\\\"\\\\/😀\", \"a\": []}"},
		{"ensure_ascii", `{{ x | tojson(ensure_ascii=true) }}`, `{"b": [1, {"a": null}], "\u00e9": "\u2028\u007f\u0001\"\\/\ud83d\ude00", "a": []}`},
		{"indent and sort_keys", `{{ x.b | tojson(indent=2, sort_keys=true) }}`, "[\n  1,\n  {\n    \"a\": null\n  }\n]"},
		{"separators", `{{ x.b | tojson(separators=[",", ":"]) }}`, `[1,{"a":null}]`},
		{"string", `{{ "it's <b>" | tojson }}`, `"it's <b>"`},
		{"template dict literal", `{{ {"k": 1.0, "j": true} | tojson(sort_keys=true) }}`, `{"j": true, "k": 1.0}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := Parse(tt.template, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tpl.RenderJSON([]byte(`[]`), Options{Extra: map[string]any{"x": rawJSON(data)}})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}
