package processor

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/imageproc"
	"github.com/vlmask/vlmask/hf/mrope"
	"github.com/vlmask/vlmask/hf/tokenizer"
)

// qwenVL is the family part of Qwen2-VL, Qwen2.5-VL and Qwen3-VL:
// Qwen2VLImageProcessor patches, each <|image_pad|> expanded to
// t·h·w/merge² copies, and 3-D MRoPE positions (get_rope_index).
type qwenVL struct {
	cfg    *checkpoint.Config
	tok    *tokenizer.Tokenizer
	images imageproc.Config
}

var _ family = (*qwenVL)(nil)

// newQwenVL reads preprocessor_config.json (transformers' defaults when
// the file is absent).
func newQwenVL(dir string, cfg *checkpoint.Config, tok *tokenizer.Tokenizer) (*qwenVL, error) {
	path := filepath.Join(dir, PreprocessorFile)
	f := &qwenVL{cfg: cfg, tok: tok, images: imageproc.DefaultConfig()}
	if _, statErr := os.Stat(path); statErr == nil {
		var err error
		if f.images, err = imageproc.LoadConfig(path); err != nil {
			return nil, err
		}
	}
	if cfg.Vision != nil && cfg.Vision.PatchSize != f.images.PatchSize {
		return nil, fmt.Errorf("%s: patch_size %d disagrees with config.json's vision patch_size %d", path, f.images.PatchSize, cfg.Vision.PatchSize)
	}
	return f, nil
}

func (f *qwenVL) image(rgb *imageproc.RGB) (Image, imageInfo, error) {
	pr, err := imageproc.Process(rgb, f.images)
	if err != nil {
		return Image{}, imageInfo{}, err
	}
	im := Image{PixelValues: pr.PixelValues, Layout: PatchRows, PatchDim: pr.Cols, GridT: pr.GridT, GridH: pr.GridH, GridW: pr.GridW}
	merge := f.mergeSize()
	info := imageInfo{
		detail: ImageDetail{
			Width: rgb.W, Height: rgb.H, ResizedW: pr.ResizedW, ResizedH: pr.ResizedH,
			GridT: pr.GridT, GridH: pr.GridH, GridW: pr.GridW, Tokens: pr.NumTokens,
			PixelSHA256: pixelChecksum(pr.PixelValues),
		},
		rows: pr.GridH / merge, cols: pr.GridW / merge,
	}
	return im, info, nil
}

// encode tokenizes the rendered prompt and replaces the i-th
// <|image_pad|> with image i's token count, which gives the ids the
// processor gets by expanding the text first (the pad is an added token).
func (f *qwenVL) encode(rendered string, images []imageInfo) ([]int, error) {
	ids, err := f.tok.Encode(rendered)
	if err != nil {
		return nil, fmt.Errorf("tokenize the rendered prompt: %w", err)
	}
	pad := f.cfg.ImageTokenID
	n := 0
	for _, id := range ids {
		if id == pad {
			n++
		}
	}
	if n != len(images) {
		return nil, fmt.Errorf("the prompt has %d image placeholders for %d images: %w", n, len(images), ErrImageCount)
	}
	out := make([]int, 0, len(ids))
	k := 0
	for _, id := range ids {
		if id != pad {
			out = append(out, id)
			continue
		}
		for range images[k].detail.Tokens {
			out = append(out, pad)
		}
		k++
	}
	return out, nil
}

func (f *qwenVL) layout(ids []int, images []imageInfo) (*layout, error) {
	grids := make([]mrope.Grid, len(images))
	for k, im := range images {
		grids[k] = mrope.Grid{T: im.detail.GridT, H: im.detail.GridH, W: im.detail.GridW}
	}
	opts := mrope.Options{
		ImageTokenID: f.cfg.ImageTokenID, VideoTokenID: f.cfg.VideoTokenID,
		VisionStartTokenID: f.cfg.VisionStartTokenID, SpatialMergeSize: f.mergeSize(),
		Family: mrope.Family(f.cfg.Family),
	}
	pos, err := mrope.PositionIDs(ids, grids, opts)
	if err != nil {
		return nil, err
	}
	places, err := mrope.ImageTokenLayout(ids, grids, opts)
	if err != nil {
		return nil, err
	}
	l := &layout{positions: pos.Rows(), ropeDelta: pos.Delta, places: make([]place, len(ids))}
	for i, pl := range places {
		l.places[i] = noPlace
		if pl.IsImage() {
			l.places[i] = place{pl.ImageIndex, pl.Row, pl.Col}
		}
	}
	return l, nil
}

func (f *qwenVL) mergeSize() int {
	if f.cfg.Vision != nil && f.cfg.Vision.SpatialMergeSize > 0 {
		return f.cfg.Vision.SpatialMergeSize
	}
	return 1
}
