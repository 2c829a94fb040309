package chattemplate

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadDirPrecedence checks which file LoadDir takes the template from:
// chat_template.jinja, then chat_template.json, then tokenizer_config.json
// (a string, or the "default" of a list of named templates).
func TestLoadDirPrecedence(t *testing.T) {
	const (
		jinja = "{{ 'from jinja' }}"
		cfgJS = `{"chat_template": "{{ 'from json' }}"}`
		tcStr = `{"chat_template": "{{ 'from tokenizer_config' }}"}`
		tcLst = `{"chat_template": [{"name": "tool_use", "template": "{{ 'tools' }}"}, {"name": "default", "template": "{{ 'default' }}"}]}`
	)
	tests := []struct {
		name     string
		files    map[string]string
		wantFile string
		wantText string
		wantErr  error
	}{
		{"jinja wins", map[string]string{JinjaFileName: jinja, JSONFileName: cfgJS, TokenizerConfigFileName: tcStr}, JinjaFileName, "from jinja", nil},
		{"json over tokenizer_config", map[string]string{JSONFileName: cfgJS, TokenizerConfigFileName: tcStr}, JSONFileName, "from json", nil},
		{"tokenizer_config string", map[string]string{TokenizerConfigFileName: tcStr}, TokenizerConfigFileName, "from tokenizer_config", nil},
		{"tokenizer_config named list", map[string]string{TokenizerConfigFileName: tcLst}, TokenizerConfigFileName, "default", nil},
		{"named list without default", map[string]string{TokenizerConfigFileName: `{"chat_template": [{"name": "a", "template": "x"}]}`}, "", "", ErrMalformed},
		{"chat_template of wrong type", map[string]string{TokenizerConfigFileName: `{"chat_template": 3}`}, "", "", ErrMalformed},
		{"chat_template.json without entry", map[string]string{JSONFileName: `{"other": 1}`}, "", "", ErrMalformed},
		{"chat_template.json not JSON", map[string]string{JSONFileName: `{`}, "", "", ErrMalformed},
		{"tokenizer_config not JSON", map[string]string{TokenizerConfigFileName: `nope`}, "", "", ErrMalformed},
		{"no template anywhere", map[string]string{TokenizerConfigFileName: `{"eos_token": "</s>"}`}, "", "", ErrNoTemplate},
		{"empty directory", map[string]string{}, "", "", ErrNoTemplate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			tpl, err := LoadDir(dir)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("LoadDir error = %v, want %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), dir) || strings.Contains(err.Error(), "\n") {
					t.Errorf("error %q should be one line naming the directory or file", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(dir, tt.wantFile); tpl.Source != want {
				t.Errorf("Source = %q, want %q", tpl.Source, want)
			}
			got, err := tpl.Render(nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.wantText {
				t.Errorf("rendered %q, want %q", got, tt.wantText)
			}
		})
	}
}

// TestQwen25VLPrecedenceTrap checks that the Qwen2.5-VL golden checkpoint,
// whose tokenizer_config.json carries the text template, renders with the
// VL template of chat_template.json.
func TestQwen25VLPrecedenceTrap(t *testing.T) {
	dir := filepath.Join(goldenDir(t), "qwen2_5_vl_basic", "checkpoint")
	tpl, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, JSONFileName); tpl.Source != want {
		t.Errorf("Source = %q, want %q", tpl.Source, want)
	}
}

// TestSpecialTokens checks that tokenizer_config.json's special tokens
// reach the template as transformers passes them: strings or AddedToken
// objects become their content, null ones stay undefined.
func TestSpecialTokens(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		TokenizerConfigFileName: `{
			"bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false},
			"eos_token": "</s>",
			"pad_token": null,
			"additional_special_tokens": ["<a>", {"content": "<b>"}],
			"chat_template": "{{ bos_token }}|{{ eos_token }}|{{ pad_token is defined }}|{{ additional_special_tokens | join(',') }}"
		}`,
	})
	tpl, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tpl.Render(nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "<s>|</s>|False|<a>,<b>"; got != want {
		t.Errorf("rendered %q, want %q", got, want)
	}

	bad := writeFiles(t, map[string]string{TokenizerConfigFileName: `{"eos_token": 5, "chat_template": "x"}`})
	if _, err := LoadDir(bad); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "eos_token") {
		t.Errorf("LoadDir with a numeric eos_token: error = %v, want ErrMalformed naming eos_token", err)
	}
}
