package processor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vlmask/vlmask/hf/chattemplate"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/imageproc"
	"github.com/vlmask/vlmask/hf/tokenizer"
)

// ErrImageCount: the prompt's image placeholders and the images given
// disagree.
var ErrImageCount = errors.New("images and image placeholders do not match")

// PreprocessorFile is the image processor's configuration file.
const PreprocessorFile = "preprocessor_config.json"

// Processor turns messages and images into model input for one checkpoint.
// It is immutable after Load and safe for concurrent use.
type Processor struct {
	cfg    *checkpoint.Config
	tok    *tokenizer.Tokenizer
	tmpl   *chattemplate.Template
	images *imageproc.Config // nil for text-only checkpoints
}

// Load reads the checkpoint's tokenizer, chat template and, for
// vision-language checkpoints, its image processor configuration. cfg may be
// nil, in which case config.json is read too.
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
	if cfg.Family.HasVision() {
		path := filepath.Join(dir, PreprocessorFile)
		var ic imageproc.Config
		if _, statErr := os.Stat(path); statErr == nil {
			if ic, err = imageproc.LoadConfig(path); err != nil {
				return nil, err
			}
		} else {
			ic = imageproc.DefaultConfig()
		}
		if cfg.Vision != nil && cfg.Vision.PatchSize != ic.PatchSize {
			return nil, fmt.Errorf("%s: patch_size %d disagrees with config.json's vision patch_size %d", path, ic.PatchSize, cfg.Vision.PatchSize)
		}
		p.images = &ic
	}
	return p, nil
}

// Config is the checkpoint's configuration.
func (p *Processor) Config() *checkpoint.Config { return p.cfg }

// Tokenizer is the checkpoint's tokenizer.
func (p *Processor) Tokenizer() *tokenizer.Tokenizer { return p.tok }

// Template is the checkpoint's chat template.
func (p *Processor) Template() *chattemplate.Template { return p.tmpl }

// ImageConfig is the image processor configuration, nil for text-only
// checkpoints.
func (p *Processor) ImageConfig() *imageproc.Config { return p.images }

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
