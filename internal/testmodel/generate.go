package testmodel

import (
	"fmt"
	"os"
	"path/filepath"
)

// MarkerFile is the file Generate writes last into every checkpoint it
// makes, recording the resolved options. Its presence is how Generate
// recognizes a previous output that it may replace.
const MarkerFile = "vlmask-testmodel.json"

// Generate writes the checkpoint that opts describes into dir. The
// directory is created (with its parents) if needed. An existing dir must be
// empty or hold a previous Generate output (MarkerFile and only the files
// Generate writes), which is replaced; anything else gives ErrDirNotEmpty
// and leaves dir untouched. The checkpoint is assembled in a temporary
// sibling directory and renamed into place, so dir never holds a partial
// checkpoint. Bad options give ErrInvalidOptions.
func Generate(dir string, opts Options) error {
	p, err := NewPlan(opts)
	if err != nil {
		return fmt.Errorf("generate test model in %q: %w", dir, err)
	}
	if err := generate(dir, p, maxShardBytes); err != nil {
		return fmt.Errorf("generate test model in %q: %w", dir, err)
	}
	return nil
}

// generate writes p into dir, splitting the weights into shards of at most
// maxBytes.
func generate(dir string, p *Plan, maxBytes int64) (err error) {
	dir, err = filepath.Abs(dir)
	if err != nil {
		return err
	}
	exists, err := checkOutputDir(dir)
	if err != nil {
		return err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := writeCheckpoint(tmp, p, maxBytes); err != nil {
		return err
	}
	return moveIntoPlace(tmp, dir, exists)
}

// writeCheckpoint writes every file of the checkpoint into dir, the
// marker last.
func writeCheckpoint(dir string, p *Plan, maxBytes int64) error {
	if err := p.WriteConfigFiles(dir); err != nil {
		return err
	}
	if _, err := writeWeights(dir, p, maxBytes); err != nil {
		return err
	}
	marker, err := encodeIndented(object{
		{"generator", "vlmask internal/testmodel"},
		{"family", p.Family},
		{"preset", p.Preset},
		{"seed", p.Seed},
		{"num_hidden_layers", p.Text.NumLayers},
		{"vision_weights", p.VisionWeights},
		{"dtype", p.DType},
	}, "  ", true)
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, MarkerFile), marker)
}

// WriteConfigFiles writes the checkpoint's configuration, tokenizer and
// chat template files — everything Generate writes except the weights and
// MarkerFile — into dir, which must exist. It lets a large preset's
// configuration be checked without drawing gigabytes of weights.
func (p *Plan) WriteConfigFiles(dir string) error {
	files, err := textFiles(p)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := writeFile(filepath.Join(dir, f.name), f.data); err != nil {
			return err
		}
	}
	return nil
}

// file is one generated file's name and content.
type file struct {
	name string
	data []byte
}

// templates are a family's chat templates and tokenizer settings.
type templates struct {
	// chat is chat_template.json's template (vision-language families),
	// tokenizer tokenizer_config.json's: the same string, except for
	// Qwen2.5-VL, whose tokenizer_config.json carries the Qwen2.5 text
	// template as the published checkpoints do (the processor uses
	// chat_template.json's).
	chat, tokenizer string
	// maxLength is tokenizer_config.json's model_max_length;
	// processorClass, when set, its processor_class.
	maxLength      int
	processorClass string
}

// familyTemplates returns the templates of the plan's family.
func familyTemplates(family string) (templates, error) {
	switch family {
	case FamilyQwen3VL:
		t, err := qwen3VLTemplate()
		return templates{chat: t, tokenizer: t, maxLength: 32768}, err
	case FamilyQwen2VL:
		t, err := qwen2VLTemplate()
		return templates{chat: t, tokenizer: t, maxLength: 32768, processorClass: "Qwen2VLProcessor"}, err
	case FamilyQwen25VL:
		t, err := qwen2VLTemplate()
		return templates{chat: t, tokenizer: qwen25TextTemplate, maxLength: 32768}, err
	}
	return templates{tokenizer: qwen3Template, maxLength: 40960}, nil
}

// textFiles returns the checkpoint's configuration, tokenizer and template
// files.
func textFiles(p *Plan) ([]file, error) {
	if p.Family == FamilyLlava || p.Family == FamilyGemma3 {
		return vitFamilyFiles(p)
	}
	bpe, err := trainBPE(corpus, numMerges)
	if err != nil {
		return nil, err
	}
	tmpl, err := familyTemplates(p.Family)
	if err != nil {
		return nil, err
	}
	type entry struct {
		name   string
		encode func() ([]byte, error)
	}
	entries := []entry{
		{"config.json", func() ([]byte, error) { return configJSON(p) }},
		{"generation_config.json", func() ([]byte, error) { return generationConfigJSON(p) }},
		{"tokenizer.json", func() ([]byte, error) { return tokenizerJSON(bpe) }},
		{"vocab.json", func() ([]byte, error) { return vocabJSON(bpe) }},
		{"merges.txt", func() ([]byte, error) { return mergesTxt(bpe), nil }},
		{"tokenizer_config.json", func() ([]byte, error) {
			return tokenizerConfigJSON(tmpl.tokenizer, tmpl.maxLength, tmpl.processorClass)
		}},
	}
	chatTemplate := entry{"chat_template.json", func() ([]byte, error) { return chatTemplateJSON(tmpl.chat) }}
	switch p.Family {
	case FamilyQwen3VL:
		entries = append(entries, chatTemplate,
			entry{"preprocessor_config.json", func() ([]byte, error) { return preprocessorConfigJSON(p) }},
			entry{"video_preprocessor_config.json", func() ([]byte, error) { return videoPreprocessorConfigJSON(p) }},
		)
	case FamilyQwen2VL, FamilyQwen25VL:
		entries = append(entries, chatTemplate,
			entry{"preprocessor_config.json", func() ([]byte, error) { return qwen2VLPreprocessorConfigJSON(p) }},
		)
	}
	files := make([]file, 0, len(entries))
	for _, e := range entries {
		data, err := e.encode()
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", e.name, err)
		}
		files = append(files, file{e.name, data})
	}
	return files, nil
}

// writeFile writes data to path, readable by everyone.
func writeFile(path string, data []byte) error {
	return os.WriteFile(path, data, 0o644)
}
