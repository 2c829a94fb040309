package processor

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/vlmask/vlmask/hf/imageproc"
)

// loadViTConfig reads dir/preprocessor_config.json for a CLIP or Gemma 3
// image processor, defaults when the file is absent.
func loadViTConfig(dir string, defaults imageproc.ViTConfig) (imageproc.ViTConfig, error) {
	path := filepath.Join(dir, PreprocessorFile)
	if _, err := os.Stat(path); err != nil {
		return defaults, nil
	}
	return imageproc.LoadViTConfig(path, defaults)
}

// vitImage preprocesses one image for a CLIP or SigLIP tower with patch
// side patch: channels-first pixel values and the tower's patch grid.
func vitImage(rgb *imageproc.RGB, cfg imageproc.ViTConfig, patch int) (Image, ImageDetail, error) {
	px, err := imageproc.ProcessViT(rgb, cfg)
	if err != nil {
		return Image{}, ImageDetail{}, err
	}
	if px.Height%patch != 0 || px.Width%patch != 0 {
		return Image{}, ImageDetail{}, fmt.Errorf("%w: %s: the processed image is %d×%d (h×w), not a multiple of the vision patch size %d",
			ErrProcessorConfig, cfg.Source, px.Height, px.Width, patch)
	}
	im := Image{
		PixelValues: px.Values, Layout: ChannelsFirst, Height: px.Height, Width: px.Width,
		GridT: 1, GridH: px.Height / patch, GridW: px.Width / patch,
	}
	d := ImageDetail{
		Width: rgb.W, Height: rgb.H, ResizedW: px.ResizedW, ResizedH: px.ResizedH,
		GridT: 1, GridH: im.GridH, GridW: im.GridW, PixelSHA256: pixelChecksum(px.Values),
	}
	return im, d, nil
}

// gridLayout is the layout of LLaVA and Gemma 3: 1-D positions, and the
// image tokens, in order, filling image 0's grid row-major (after its class
// token when it has one), then image 1's, and so on.
func gridLayout(ids []int, imageToken int, images []imageInfo) (*layout, error) {
	l := textLayout(len(ids))
	k, t := 0, 0 // the image being filled, and its tokens so far
	for i, id := range ids {
		if id != imageToken {
			continue
		}
		if k >= len(images) {
			return nil, fmt.Errorf("more image tokens than the %d images take: %w", len(images), ErrImageCount)
		}
		im, g := images[k], t
		if im.withCLS {
			g--
		}
		l.places[i] = place{k, -1, -1}
		if g >= 0 {
			l.places[i] = place{k, g / im.cols, g % im.cols}
		}
		if t++; t == im.tokens() {
			k, t = k+1, 0
		}
	}
	if k != len(images) {
		return nil, fmt.Errorf("image tokens for %d of %d images: %w", k, len(images), ErrImageCount)
	}
	return l, nil
}
