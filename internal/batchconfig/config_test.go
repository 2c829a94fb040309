package batchconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const sample = `
model:
  path: "tiny"
device: "cpu"
batch_size: 8
max_image_resolution: 768
skip_per_head: false
save_attention_weights: true
prompts:
  - name: "cat"
    prompt: |
      <|im_start|>user
      <image>What animal is this?<|im_end|>
      <|im_start|>assistant
    image_path: "cat.png"
    num_tokens: 3
    mask_mode: "all"
  - name: "off"
    enabled: false
    prompt: "x"
  - prompt: "Hello"
    skip_per_head: true
    max_image_resolution: 256
    colour: blue
`

func TestParse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cat.png"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Parse([]byte(sample), filepath.Join(dir, "batch.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Model != "tiny" || f.Device != "cpu" {
		t.Errorf("model %q device %q", f.Model, f.Device)
	}
	want := []Prompt{
		{Name: "cat", Enabled: true, Text: "<|im_start|>user\n<image>What animal is this?<|im_end|>\n<|im_start|>assistant\n",
			Images: []string{filepath.Join(dir, "cat.png")}, NumTokens: 3, MaskMode: "both", SaveAttentionWeights: true,
			MaxImageResolution: 768, BatchSize: 8},
		{Name: "off", Enabled: false, Text: "x", NumTokens: 1, MaskMode: "text", SaveAttentionWeights: true, MaxImageResolution: 768, BatchSize: 8},
		{Name: "prompt_3", Enabled: true, Text: "Hello", NumTokens: 1, MaskMode: "text", SkipPerHead: true, SaveAttentionWeights: true,
			MaxImageResolution: 256, BatchSize: 8},
	}
	if !reflect.DeepEqual(f.Prompts, want) {
		t.Errorf("prompts\n%+v\nwant\n%+v", f.Prompts, want)
	}
	if len(f.Enabled()) != 2 {
		t.Errorf("%d enabled prompts, want 2", len(f.Enabled()))
	}
	if !reflect.DeepEqual(f.Unknown, []string{"prompts[2].colour"}) {
		t.Errorf("unknown keys %v", f.Unknown)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"not yaml":        "prompts: [",
		"no prompts":      "model: {path: x}",
		"no prompt text":  "prompts: [{name: a}]",
		"bad mask mode":   "prompts: [{prompt: a, mask_mode: nouns}]",
		"duplicate names": "prompts: [{name: a, prompt: x}, {name: a, prompt: y}]",
		"zero tokens":     "prompts: [{prompt: a, num_tokens: 0}]",
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(body), "batch.yaml")
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v, want ErrInvalid", err)
			}
			if msg := err.Error(); msg[:len("batch.yaml")] != "batch.yaml" {
				t.Errorf("error %q does not name the file first", msg)
			}
		})
	}
}

// TestParseRefusesNamesThatLeaveTheOutputDirectory: a prompt's name
// becomes its output file's name, so it must be one file name.
func TestParseRefusesNamesThatLeaveTheOutputDirectory(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"parent":              `../escape`,
		"dot dot":             `..`,
		"dot":                 `.`,
		"absolute":            `/tmp/escape`,
		"subdirectory":        `a/b`,
		"backslash":           `..\\escape`,
		"control character":   `a\nb`,
		"too long for a file": strings.Repeat("x", 201),
	}
	for name, promptName := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body := fmt.Sprintf("prompts: [{name: %q, prompt: hi}]", promptName)
			_, err := Parse([]byte(body), "batch.yaml")
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "prompts[0]") {
				t.Fatalf("name %q: error %v, want ErrInvalid naming prompts[0]", promptName, err)
			}
		})
	}
	for _, ok := range []string{"house_describe", "a..b", "café 2", "x.y"} {
		if _, err := Parse([]byte(fmt.Sprintf("prompts: [{name: %q, prompt: hi}]", ok)), "batch.yaml"); err != nil {
			t.Errorf("name %q refused: %v", ok, err)
		}
	}
}

// TestParseErrorsKeepTheirDetail: a value of the wrong type is named with
// its line, and an empty prompt is refused rather than run.
func TestParseErrorsKeepTheirDetail(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		body string
		says []string
	}{
		"wrong type":         {body: "prompts:\n  - prompt: a\n    num_tokens: many\n", says: []string{"line 3", "many", "int"}},
		"two wrong types":    {body: "skip_per_head: maybe\nprompts:\n  - prompt: a\n    num_tokens: many\n", says: []string{"line 1", "maybe", "line 4", "many"}},
		"empty prompt":       {body: `prompts: [{name: a, prompt: ""}]`, says: []string{"prompts[0] (a)", "empty prompt"}},
		"blank prompt":       {body: `prompts: [{name: a, prompt: "  \n"}]`, says: []string{"empty prompt"}},
		"syntax error lines": {body: "prompts: [\n", says: []string{"not valid YAML", "line"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.body), "batch.yaml")
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v, want ErrInvalid", err)
			}
			for _, s := range tc.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}
