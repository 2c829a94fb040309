package testmodel

import (
	_ "embed" // the chat templates and the tokenizer corpus
	"encoding/json"
	"fmt"
)

// qwen3VLTemplateFile is the public Qwen3-VL Instruct chat_template.json
// (see testdata/SOURCES.md).
//
//go:embed testdata/qwen3_vl_instruct.chat_template.json
var qwen3VLTemplateFile string

// qwen3Template is the public Qwen3 text chat template (see
// testdata/SOURCES.md).
//
//go:embed testdata/qwen3.tokenizer_config.chat_template.jinja
var qwen3Template string

// corpus is the English prose the tokenizer's merges are learned from.
//
//go:embed testdata/corpus.txt
var corpus string

// qwen3VLTemplate returns the Qwen3-VL Instruct template string.
func qwen3VLTemplate() (string, error) {
	var f struct {
		ChatTemplate string `json:"chat_template"`
	}
	if err := json.Unmarshal([]byte(qwen3VLTemplateFile), &f); err != nil || f.ChatTemplate == "" {
		return "", fmt.Errorf("embedded testdata/qwen3_vl_instruct.chat_template.json has no chat_template string (%v)", err)
	}
	return f.ChatTemplate, nil
}
