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

// qwen2VLTemplateFile is the public Qwen2-VL chat_template.json, whose
// template string Qwen2.5-VL's chat_template.json has too (see
// testdata/SOURCES.md).
//
//go:embed testdata/qwen2_vl.chat_template.json
var qwen2VLTemplateFile string

// qwen25TextTemplate is the Qwen2.5 text template that the published
// Qwen2.5-VL checkpoints carry in tokenizer_config.json (the processor
// uses chat_template.json's; see testdata/SOURCES.md).
//
//go:embed testdata/qwen2_5_vl.tokenizer_config.chat_template.jinja
var qwen25TextTemplate string

// corpus is the English prose the tokenizer's merges are learned from.
//
//go:embed testdata/corpus.txt
var corpus string

// qwen3VLTemplate returns the Qwen3-VL Instruct template string.
func qwen3VLTemplate() (string, error) {
	return templateString(qwen3VLTemplateFile, "testdata/qwen3_vl_instruct.chat_template.json")
}

// qwen2VLTemplate returns the Qwen2-VL (and Qwen2.5-VL) template string.
func qwen2VLTemplate() (string, error) {
	return templateString(qwen2VLTemplateFile, "testdata/qwen2_vl.chat_template.json")
}

// templateString reads the chat_template string of a chat_template.json.
func templateString(file, name string) (string, error) {
	var f struct {
		ChatTemplate string `json:"chat_template"`
	}
	if err := json.Unmarshal([]byte(file), &f); err != nil || f.ChatTemplate == "" {
		return "", fmt.Errorf("embedded %s has no chat_template string (%v)", name, err)
	}
	return f.ChatTemplate, nil
}
