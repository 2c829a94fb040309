package processor

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/imageproc"
	"github.com/vlmask/vlmask/hf/tokenizer"
)

// gemma3 is the family part of Gemma 3, as Gemma3Processor works:
// Gemma3ImageProcessor pixels; each <start_of_image> in the text becomes
// "\n\n<start_of_image>" + image_seq_length × <image_soft_token> +
// "<end_of_image>\n\n"; no second <bos> (the template writes one); 1-D
// positions; token_type_ids 1 at the soft tokens. Pan-and-scan is not
// applied (see imageproc.ViTConfig).
type gemma3 struct {
	cfg                  *checkpoint.Config
	tok                  *tokenizer.Tokenizer
	bos                  string
	images               imageproc.ViTConfig
	boi, eoi, imageToken string
	seqLen, side, patch  int
}

var _ family = (*gemma3)(nil)

// newGemma3 reads preprocessor_config.json and processor_config.json;
// without the latter, image_seq_length is config.json's
// mm_tokens_per_image.
func newGemma3(dir string, cfg *checkpoint.Config, tok *tokenizer.Tokenizer, bos string) (*gemma3, error) {
	f := &gemma3{cfg: cfg, tok: tok, bos: bos, seqLen: cfg.Projector.TokensPerImage, patch: cfg.Vision.PatchSize}
	var err error
	if f.images, err = loadViTConfig(dir, imageproc.DefaultGemma3Config()); err != nil {
		return nil, err
	}
	pc, _, err := loadProcessorConfig(dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, ProcessorConfigFile)
	if pc.ImageSeqLength != nil && *pc.ImageSeqLength != cfg.Projector.TokensPerImage {
		return nil, fmt.Errorf("%s: image_seq_length %d disagrees with config.json's mm_tokens_per_image %d: %w",
			path, *pc.ImageSeqLength, cfg.Projector.TokensPerImage, ErrProcessorConfig)
	}
	f.side = int(math.Sqrt(float64(f.seqLen)))
	for _, t := range []struct {
		dst  *string
		id   int
		name string
	}{{&f.boi, cfg.VisionStartTokenID, "boi_token_index"}, {&f.eoi, cfg.VisionEndTokenID, "eoi_token_index"}, {&f.imageToken, cfg.ImageTokenID, "image_token_index"}} {
		s, ok := tok.TokenString(t.id)
		if !ok {
			return nil, fmt.Errorf("%s: config.json's %s %d is not a token of the tokenizer: %w", dir, t.name, t.id, ErrProcessorConfig)
		}
		*t.dst = s
	}
	return f, nil
}

func (f *gemma3) image(rgb *imageproc.RGB) (Image, imageInfo, error) {
	im, d, err := vitImage(rgb, f.images, f.patch)
	if err != nil {
		return Image{}, imageInfo{}, err
	}
	if im.GridH%f.side != 0 || im.GridW%f.side != 0 {
		return Image{}, imageInfo{}, fmt.Errorf("%w: %s: a %d×%d patch grid does not pool into %d×%d tokens",
			ErrProcessorConfig, f.images.Source, im.GridH, im.GridW, f.side, f.side)
	}
	info := imageInfo{detail: d, rows: f.side, cols: f.side}
	info.detail.Tokens = info.tokens()
	return im, info, nil
}

// encode expands every <start_of_image> and tokenizes the result, adding
// <bos> only when the prompt does not start with it.
func (f *gemma3) encode(rendered string, images []imageInfo) ([]int, error) {
	if n := strings.Count(rendered, f.boi); n != len(images) {
		return nil, fmt.Errorf("the prompt has %d %s placeholders for %d images: %w", n, f.boi, len(images), ErrImageCount)
	}
	text := rendered
	if len(images) > 0 {
		full := "\n\n" + f.boi + strings.Repeat(f.imageToken, f.seqLen) + f.eoi + "\n\n"
		text = strings.ReplaceAll(rendered, f.boi, full)
	}
	return encodePrompt(f.tok, text, rendered, f.bos)
}

func (f *gemma3) layout(ids []int, images []imageInfo) (*layout, error) {
	l, err := gridLayout(ids, f.cfg.ImageTokenID, images)
	if err != nil {
		return nil, err
	}
	l.tokenTypeIDs = make([]int, len(ids))
	for i, id := range ids {
		if id == f.cfg.ImageTokenID {
			l.tokenTypeIDs[i] = 1
		}
	}
	return l, nil
}
