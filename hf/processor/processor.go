package processor

import (
	"github.com/vlmask/vlmask/hf/chattemplate"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/imageproc"
	"github.com/vlmask/vlmask/hf/tokenizer"
)

// PreprocessorFile is the image processor's configuration file.
const PreprocessorFile = "preprocessor_config.json"

// Processor turns messages and images into model input for one checkpoint.
// It is immutable after Load and safe for concurrent use.
type Processor struct {
	cfg  *checkpoint.Config
	tok  *tokenizer.Tokenizer
	tmpl *chattemplate.Template
	// fam is the family's part: image preprocessing, placeholder
	// expansion, positions.
	fam family
}

// Load reads the checkpoint's tokenizer, chat template and, for
// vision-language checkpoints, its image processor configuration
// (preprocessor_config.json, and for LLaVA and Gemma 3
// processor_config.json). cfg may be nil, in which case config.json is read
// too.
func Load(dir string, cfg *checkpoint.Config) (*Processor, error) {
	if cfg == nil {
		var err error
		if cfg, err = checkpoint.Load(dir); err != nil {
			return nil, err
		}
	}
	p := &Processor{cfg: cfg}
	var err error
	if p.tok, err = tokenizer.LoadDir(dir); err != nil {
		return nil, err
	}
	if p.tmpl, err = chattemplate.LoadDir(dir); err != nil {
		return nil, err
	}
	if p.fam, err = newFamily(dir, cfg, p.tok, p.tmpl.SpecialToken("bos_token")); err != nil {
		return nil, err
	}
	return p, nil
}

// Config is the checkpoint's configuration.
func (p *Processor) Config() *checkpoint.Config { return p.cfg }

// Tokenizer is the checkpoint's tokenizer.
func (p *Processor) Tokenizer() *tokenizer.Tokenizer { return p.tok }

// Template is the checkpoint's chat template.
func (p *Processor) Template() *chattemplate.Template { return p.tmpl }

// ImageConfig is the Qwen image processor configuration, nil for other
// checkpoints (see ViTImageConfig).
func (p *Processor) ImageConfig() *imageproc.Config {
	if q, ok := p.fam.(*qwenVL); ok {
		return &q.images
	}
	return nil
}

// ViTImageConfig is the image processor configuration of LLaVA
// (CLIPImageProcessor) and Gemma 3 (Gemma3ImageProcessor), nil for other
// checkpoints.
func (p *Processor) ViTImageConfig() *imageproc.ViTConfig {
	switch f := p.fam.(type) {
	case *llava:
		return &f.images
	case *gemma3:
		return &f.images
	}
	return nil
}

// UserPrompt is the conversation the original tool built from --prompt and
// --image: one user turn holding every image first, then the text. A
// text-only checkpoint gets plain-string content, as its template expects.
func (p *Processor) UserPrompt(text string, images int) []chattemplate.Message {
	if !p.cfg.Family.HasVision() {
		return []chattemplate.Message{{Role: "user", Text: text}}
	}
	parts := make([]chattemplate.Part, 0, images+1)
	for i := 0; i < images; i++ {
		parts = append(parts, chattemplate.Part{Type: "image"})
	}
	parts = append(parts, chattemplate.Part{Type: "text", Text: text})
	return []chattemplate.Message{{Role: "user", Content: parts}}
}
