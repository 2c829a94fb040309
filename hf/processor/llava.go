package processor

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/imageproc"
	"github.com/vlmask/vlmask/hf/tokenizer"
)

// llava is the family part of LLaVA-1.5, as LlavaProcessor works:
// CLIPImageProcessor pixels; each <image> in the text repeated
// (h/patch)·(w/patch) + num_additional_image_tokens times, less one for the
// "default" strategy, which drops the class token; the tokenizer's <s> in
// front; 1-D positions.
type llava struct {
	cfg        *checkpoint.Config
	tok        *tokenizer.Tokenizer
	bos        string
	images     imageproc.ViTConfig
	imageToken string
	patch      int
	// extra is num_additional_image_tokens (the class token); full keeps
	// it (vision_feature_select_strategy "full").
	extra int
	full  bool
}

var _ family = (*llava)(nil)

// newLlava reads preprocessor_config.json and processor_config.json.
// Settings processor_config.json leaves out come from config.json (patch
// size, strategy) and the CLIP tower (one class token); transformers would
// then not expand <image> at all (patch_size unset) or count one token too
// few (num_additional_image_tokens 0), and the model would refuse the
// input.
func newLlava(dir string, cfg *checkpoint.Config, tok *tokenizer.Tokenizer, bos string) (*llava, error) {
	f := &llava{cfg: cfg, tok: tok, bos: bos, imageToken: "<image>", patch: cfg.Vision.PatchSize, extra: 1}
	var err error
	if f.images, err = loadViTConfig(dir, imageproc.DefaultCLIPConfig()); err != nil {
		return nil, err
	}
	pc, _, err := loadProcessorConfig(dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, ProcessorConfigFile)
	strategy := cfg.Projector.FeatureSelectStrategy
	if pc.PatchSize != nil && *pc.PatchSize != f.patch {
		return nil, fmt.Errorf("%s: patch_size %d disagrees with config.json's vision patch_size %d: %w", path, *pc.PatchSize, f.patch, ErrProcessorConfig)
	}
	if pc.VisionFeatureSelect != nil && *pc.VisionFeatureSelect != strategy {
		return nil, fmt.Errorf("%s: vision_feature_select_strategy %q disagrees with config.json's %q: %w", path, *pc.VisionFeatureSelect, strategy, ErrProcessorConfig)
	}
	if pc.NumAdditionalImageTokens != nil {
		f.extra = *pc.NumAdditionalImageTokens
	}
	f.full = strategy == "full"
	// The processor counts grid + extra tokens, one fewer with "default";
	// the CLIP tower adds exactly its class token.
	if f.extra != 1 {
		return nil, fmt.Errorf("%s: num_additional_image_tokens %d: the CLIP tower adds one (its class token): %w", path, f.extra, ErrProcessorConfig)
	}
	if pc.ImageToken != nil {
		f.imageToken = *pc.ImageToken
	}
	if id, ok := tok.TokenID(f.imageToken); !ok || id != cfg.ImageTokenID {
		return nil, fmt.Errorf("%s: image token %q is id %d (found %v) in the tokenizer, but config.json's image_token_index is %d: %w",
			path, f.imageToken, id, ok, cfg.ImageTokenID, ErrProcessorConfig)
	}
	return f, nil
}

func (f *llava) image(rgb *imageproc.RGB) (Image, imageInfo, error) {
	im, d, err := vitImage(rgb, f.images, f.patch)
	if err != nil {
		return Image{}, imageInfo{}, err
	}
	info := imageInfo{detail: d, rows: im.GridH, cols: im.GridW, withCLS: f.full}
	info.detail.Tokens = info.tokens()
	return im, info, nil
}

// encode repeats the k-th <image> of the text image k's token count times
// and tokenizes the result with <s> in front (unless the prompt starts
// with it).
func (f *llava) encode(rendered string, images []imageInfo) ([]int, error) {
	if n := strings.Count(rendered, f.imageToken); n != len(images) {
		return nil, fmt.Errorf("the prompt has %d %s placeholders for %d images: %w", n, f.imageToken, len(images), ErrImageCount)
	}
	var sb strings.Builder
	rest := rendered
	for _, im := range images {
		at := strings.Index(rest, f.imageToken)
		sb.WriteString(rest[:at])
		sb.WriteString(strings.Repeat(f.imageToken, im.tokens()))
		rest = rest[at+len(f.imageToken):]
	}
	sb.WriteString(rest)
	return encodePrompt(f.tok, sb.String(), rendered, f.bos)
}

func (f *llava) layout(ids []int, images []imageInfo) (*layout, error) {
	return gridLayout(ids, f.cfg.ImageTokenID, images)
}
