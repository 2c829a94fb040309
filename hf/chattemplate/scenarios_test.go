package chattemplate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// scenarioFile is testdata/scenarios.json.
type scenarioFile struct {
	Templates map[string]string `json:"templates"`
	Kwargs    map[string]any    `json:"kwargs"`
	Scenarios []struct {
		Name                string          `json:"name"`
		Templates           []string        `json:"templates"`
		AddGenerationPrompt bool            `json:"add_generation_prompt"`
		Messages            json.RawMessage `json:"messages"`
		Tools               json.RawMessage `json:"tools"`
		Kwargs              map[string]any  `json:"kwargs"`
	} `json:"scenarios"`
}

// renderedFile is an output of gen_rendered.mjs or gen_rendered.py.
type renderedFile struct {
	Generator string `json:"generator"`
	Results   map[string]struct {
		Text  *string `json:"text"`
		Error *string `json:"error"`
	} `json:"results"`
}

// jsDivergences are the scenarios where @huggingface/jinja does not behave
// like Python's jinja2, the engine transformers uses; there the Go renderer
// follows Python.
var jsDivergences = map[string]string{
	"qwen3_vl_instruct/tojson_numbers":              "JavaScript numbers lose the int/float distinction (100.0 prints as 100) and format exponents differently (1e-05 vs 0.00001)",
	"qwen3/tojson_numbers":                          "same as qwen3_vl_instruct/tojson_numbers",
	"qwen2_5_vl_text/list_content_in_text_template": "JavaScript concatenates a list to a string; Python raises TypeError, so transformers fails",
	"llava_1_5/system_string":                       "JavaScript has no selectattr for a string (LLaVA's template filters a string content); Python iterates its characters, none of which has a type",
	"llava_1_5/multi_turn_vl":                       "same as llava_1_5/system_string",
}

// goDivergences are engine probes where gonja cannot follow Python's
// jinja2 without being forked; the test checks that they still differ, so
// the list stays true.
var goDivergences = map[string]string{
	"probe_none_is_defined/probe": "gonja treats a variable set to None (tools, documents) as undefined; jinja2 calls it defined",
	"probe_print_none/probe":      "gonja prints None as an empty string; jinja2 prints None",
	"probe_power/probe":           "gonja's ** always gives a float (8.0); Python keeps ints (8)",
}

// TestScenarios renders each (template, scenario) pair of
// testdata/scenarios.json and compares with Python jinja2 (the engine
// transformers uses) and, for the real Qwen templates, with
// @huggingface/jinja, an independent engine. Inline "probe_" templates
// exercise single engine features against Python only.
func TestScenarios(t *testing.T) {
	templatesDir := filepath.Join(goldenDir(t), "templates")
	var spec scenarioFile
	var py, js renderedFile
	for path, v := range map[string]any{
		"testdata/scenarios.json":          &spec,
		"testdata/rendered_jinja2_py.json": &py,
		"testdata/rendered_jinja_js.json":  &js,
	} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatalf("decode %s: %v", path, err)
		}
	}
	templates := map[string]*Template{}
	for name, file := range spec.Templates {
		if inline, ok := strings.CutPrefix(file, "inline:"); ok {
			tpl, err := Parse(inline, name)
			if err != nil {
				t.Fatal(err)
			}
			templates[name] = tpl
			continue
		}
		templates[name] = parseGoldenTemplate(t, filepath.Join(templatesDir, file))
	}
	seenDivergences := map[string]bool{}
	count := 0
	for _, sc := range spec.Scenarios {
		kwargs := map[string]any{}
		for k, v := range spec.Kwargs {
			kwargs[k] = v
		}
		for k, v := range sc.Kwargs {
			kwargs[k] = v
		}
		opts := Options{AddGenerationPrompt: sc.AddGenerationPrompt, Extra: kwargs}
		if len(sc.Tools) > 0 && string(sc.Tools) != "null" {
			opts.Tools = sc.Tools
		}
		for _, name := range sc.Templates {
			key := name + "/" + sc.Name
			count++
			t.Run(key, func(t *testing.T) {
				want, ok := py.Results[key]
				if !ok {
					t.Fatalf("no Python jinja2 result for %s; regenerate testdata", key)
				}
				got, err := templates[name].RenderJSON(sc.Messages, opts)
				if reason, ok := goDivergences[key]; ok {
					if err != nil || want.Text == nil || got == *want.Text {
						t.Errorf("known divergence (%s) no longer holds: got %q, %v", reason, got, err)
					}
					t.Logf("known gonja divergence: %s", reason)
					return
				}
				switch {
				case want.Error != nil && err == nil:
					t.Errorf("rendered %q, want an error like Python's %q", got, *want.Error)
				case want.Error == nil && err != nil:
					t.Errorf("error %v, want %q", err, *want.Text)
				case want.Error == nil && got != *want.Text:
					t.Errorf("\n got %q\nwant %q", got, *want.Text)
				}
				if strings.HasPrefix(name, "probe_") {
					// Engine probes check Python semantics only; the
					// JavaScript engine prints true/false, lacks some
					// tests and methods, and is not their reference.
					return
				}
				jsWant := js.Results[key]
				jsAgrees := (jsWant.Error != nil) == (want.Error != nil) &&
					(jsWant.Text == nil || want.Text == nil || *jsWant.Text == *want.Text)
				if _, listed := jsDivergences[key]; listed != !jsAgrees {
					t.Errorf("@huggingface/jinja agrees with Python: %v, but jsDivergences lists it: %v", jsAgrees, listed)
				}
				seenDivergences[key] = !jsAgrees
			})
		}
	}
	if count != len(py.Results) {
		t.Errorf("%d scenario renders, Python fixture has %d", count, len(py.Results))
	}
	var unused []string
	for key := range jsDivergences {
		if !seenDivergences[key] {
			unused = append(unused, key)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Errorf("jsDivergences lists scenarios that do not diverge: %s", strings.Join(unused, ", "))
	}
}

// parseGoldenTemplate parses a template file of the golden templates
// directory: a chat_template.json or a bare .jinja text.
func parseGoldenTemplate(t *testing.T, path string) *Template {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	source := string(data)
	if strings.HasSuffix(path, ".json") {
		var f struct {
			ChatTemplate string `json:"chat_template"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("decode %s: %v", path, err)
		}
		source = f.ChatTemplate
	}
	tpl, err := Parse(source, path)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}
