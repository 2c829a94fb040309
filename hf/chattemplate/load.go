package chattemplate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// File names a checkpoint directory may hold a chat template in, in the
// order LoadDir prefers them.
const (
	JinjaFileName           = "chat_template.jinja"
	JSONFileName            = "chat_template.json"
	TokenizerConfigFileName = "tokenizer_config.json"
)

// specialTokenKeys are the tokenizer_config.json entries transformers
// passes to templates (its special_tokens_map).
var specialTokenKeys = []string{
	"bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token",
	"additional_special_tokens",
}

// LoadDir loads the chat template of a checkpoint directory:
// chat_template.jinja, else chat_template.json's "chat_template", else
// tokenizer_config.json's "chat_template". Special-token strings come from
// tokenizer_config.json when it exists.
func LoadDir(dir string) (*Template, error) {
	cfgPath := filepath.Join(dir, TokenizerConfigFileName)
	cfg, err := readTokenizerConfig(cfgPath)
	if err != nil {
		return nil, err
	}
	source, path, err := findTemplate(dir, cfg)
	if err != nil {
		return nil, err
	}
	t, err := Parse(source, path)
	if err != nil {
		return nil, err
	}
	if t.specialTokens, err = specialTokens(cfg, cfgPath); err != nil {
		return nil, err
	}
	return t, nil
}

// findTemplate returns the template source and the file it came from.
func findTemplate(dir string, cfg map[string]json.RawMessage) (source, path string, err error) {
	path = filepath.Join(dir, JinjaFileName)
	data, err := os.ReadFile(path)
	if err == nil {
		return string(data), path, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", "", fmt.Errorf("load chat template: %w", err)
	}

	path = filepath.Join(dir, JSONFileName)
	data, err = os.ReadFile(path)
	switch {
	case err == nil:
		var f map[string]json.RawMessage
		if err := json.Unmarshal(data, &f); err != nil {
			return "", "", fmt.Errorf("load chat template %q: %w: %v", path, ErrMalformed, err)
		}
		source, ok, err := chooseTemplate(f["chat_template"])
		if err != nil {
			return "", "", fmt.Errorf("load chat template %q: %w", path, err)
		}
		if !ok {
			return "", "", fmt.Errorf("load chat template %q: no \"chat_template\" entry: %w", path, ErrMalformed)
		}
		return source, path, nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", "", fmt.Errorf("load chat template: %w", err)
	}

	path = filepath.Join(dir, TokenizerConfigFileName)
	if cfg != nil {
		source, ok, err := chooseTemplate(cfg["chat_template"])
		if err != nil {
			return "", "", fmt.Errorf("load chat template %q: %w", path, err)
		}
		if ok {
			return source, path, nil
		}
	}
	return "", "", fmt.Errorf("load chat template from %q: none of %s, %s or a chat_template in %s: %w",
		dir, JinjaFileName, JSONFileName, TokenizerConfigFileName, ErrNoTemplate)
}

// chooseTemplate reads a chat_template entry: a string, or a list of
// {"name", "template"} of which "default" is used. ok is false when the
// entry is absent or null.
func chooseTemplate(raw json.RawMessage) (source string, ok bool, err error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", false, nil
	}
	if err := json.Unmarshal(raw, &source); err == nil {
		return source, true, nil
	}
	var named []struct {
		Name     string `json:"name"`
		Template string `json:"template"`
	}
	if err := json.Unmarshal(raw, &named); err != nil {
		return "", false, fmt.Errorf("chat_template is neither a string nor a list of named templates: %w", ErrMalformed)
	}
	for _, n := range named {
		if n.Name == "default" {
			return n.Template, true, nil
		}
	}
	return "", false, fmt.Errorf("chat_template lists %d named templates but none named \"default\": %w", len(named), ErrMalformed)
}

// readTokenizerConfig reads tokenizer_config.json's top-level entries, or
// returns nil when the file does not exist.
func readTokenizerConfig(path string) (map[string]json.RawMessage, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load chat template: %w", err)
	}
	var cfg map[string]json.RawMessage
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("load chat template: read %q: %w: %v", path, ErrMalformed, err)
	}
	return cfg, nil
}

// specialTokens extracts the special-token strings of tokenizer_config.json.
// A token is a string or an AddedToken object with a "content"; null ones
// are left out, as transformers leaves them out of special_tokens_map.
func specialTokens(cfg map[string]json.RawMessage, path string) (map[string]any, error) {
	out := map[string]any{}
	for _, key := range specialTokenKeys {
		raw, ok := cfg[key]
		if !ok || string(raw) == "null" {
			continue
		}
		if key == "additional_special_tokens" {
			var list []json.RawMessage
			if err := json.Unmarshal(raw, &list); err != nil {
				return nil, fmt.Errorf("load chat template: %q: %s is not a list: %w", path, key, ErrMalformed)
			}
			tokens := make([]any, 0, len(list))
			for i, item := range list {
				s, err := tokenContent(item)
				if err != nil {
					return nil, fmt.Errorf("load chat template: %q: %s[%d]: %w", path, key, i, err)
				}
				tokens = append(tokens, s)
			}
			out[key] = tokens
			continue
		}
		s, err := tokenContent(raw)
		if err != nil {
			return nil, fmt.Errorf("load chat template: %q: %s: %w", path, key, err)
		}
		out[key] = s
	}
	return out, nil
}

// tokenContent reads a token given as a string or as {"content": ...}.
func tokenContent(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var obj struct {
		Content *string `json:"content"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil || obj.Content == nil {
		return "", fmt.Errorf("not a string or an object with a content: %w", ErrMalformed)
	}
	return *obj.Content, nil
}
