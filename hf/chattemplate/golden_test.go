package chattemplate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestGoldenCases renders every golden case's messages with its
// checkpoint's template and compares with the prompt transformers rendered,
// for the Qwen cases and the LLaVA and Gemma 3 ones (LLaVA's template has a
// {% generation %} block, Gemma 3's a bracketed conditional and its own
// {{ bos_token }}).
func TestGoldenCases(t *testing.T) {
	root := goldenDir(t)
	cases, err := filepath.Glob(filepath.Join(root, "*", "input", "case.json"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases under %s (%v)", root, err)
	}
	for _, casePath := range cases {
		dir := filepath.Dir(filepath.Dir(casePath))
		t.Run(filepath.Base(dir), func(t *testing.T) {
			data, err := os.ReadFile(casePath)
			if err != nil {
				t.Fatal(err)
			}
			var c struct {
				Messages            json.RawMessage `json:"messages"`
				AddGenerationPrompt bool            `json:"add_generation_prompt"`
			}
			if err := json.Unmarshal(data, &c); err != nil {
				t.Fatalf("decode %s: %v", casePath, err)
			}
			want, err := os.ReadFile(filepath.Join(dir, "expected", "prompt_rendered.txt"))
			if err != nil {
				t.Fatal(err)
			}
			tpl, err := LoadDir(filepath.Join(dir, "checkpoint"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := tpl.RenderJSON(c.Messages, Options{AddGenerationPrompt: c.AddGenerationPrompt})
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("rendered with %s:\n got %q\nwant %q", tpl.Source, got, want)
			}
		})
	}
}
