package imageproc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
)

// ViTConfig is the image half of a preprocessor_config.json for the
// processors of ViT-style towers that take one fixed-size image:
// transformers' CLIPImageProcessor (LLaVA-1.5) and Gemma3ImageProcessor
// (Gemma 3; SiglipImageProcessor does the same). They resize — by the
// shortest edge, keeping the aspect ratio, or to a fixed size —, optionally
// crop the center, rescale, normalize, and lay the image out channels
// first.
type ViTConfig struct {
	// ShortestEdge, when positive, resizes so that the shorter side becomes
	// ShortestEdge and the longer one int(ShortestEdge · long / short)
	// (truncated), as size {"shortest_edge"} does; otherwise the image is
	// resized to Height × Width (size {"height", "width"}), aspect ratio
	// not kept.
	ShortestEdge  int
	Height, Width int
	// CropHeight and CropWidth are crop_size, used when DoCenterCrop.
	CropHeight, CropWidth int
	// Resample is PIL's filter code (ResampleBicubic for CLIP,
	// ResampleBilinear for Gemma 3).
	Resample int
	// Mean and Std normalize each RGB channel after rescaling, in float32.
	Mean, Std [3]float64
	// RescaleFactor multiplies the 0..255 pixel values (1/255).
	RescaleFactor float64
	// DoResize, DoCenterCrop, DoRescale, DoNormalize and DoConvertRGB
	// switch the steps of the same names.
	DoResize, DoCenterCrop, DoRescale, DoNormalize, DoConvertRGB bool
	// Source names where the config came from (a path, or "defaults").
	Source string
	// Warnings lists settings that were read but not followed.
	Warnings []string
}

// DefaultCLIPConfig returns transformers' defaults for CLIPImageProcessor:
// shortest edge 224, bicubic, center crop 224×224, rescale 1/255, OpenAI
// CLIP's mean and std, convert to RGB.
func DefaultCLIPConfig() ViTConfig {
	return ViTConfig{
		ShortestEdge: 224, CropHeight: 224, CropWidth: 224, Resample: ResampleBicubic,
		Mean:          [3]float64{0.48145466, 0.4578275, 0.40821073},
		Std:           [3]float64{0.26862954, 0.26130258, 0.27577711},
		RescaleFactor: 1.0 / 255,
		DoResize:      true, DoCenterCrop: true, DoRescale: true, DoNormalize: true, DoConvertRGB: true,
		Source: "defaults",
	}
}

// DefaultGemma3Config returns transformers' defaults for
// Gemma3ImageProcessor: 224×224, bilinear, no crop, rescale 1/255, mean
// and std 0.5. Gemma3Processor converts to RGB whatever the image
// processor's do_convert_rgb says (its call defaults pass
// do_convert_rgb=True).
func DefaultGemma3Config() ViTConfig {
	return ViTConfig{
		Height: 224, Width: 224, Resample: ResampleBilinear,
		Mean: [3]float64{0.5, 0.5, 0.5}, Std: [3]float64{0.5, 0.5, 0.5}, RescaleFactor: 1.0 / 255,
		DoResize: true, DoRescale: true, DoNormalize: true, DoConvertRGB: true,
		Source: "defaults",
	}
}

// rawViTConfig mirrors the keys of preprocessor_config.json ParseViTConfig
// reads; pointers and raw values tell an absent (or null) key from a zero
// value.
type rawViTConfig struct {
	Size          json.RawMessage `json:"size"`
	CropSize      json.RawMessage `json:"crop_size"`
	ImageMean     json.RawMessage `json:"image_mean"`
	ImageStd      json.RawMessage `json:"image_std"`
	DoResize      *bool           `json:"do_resize"`
	DoCenterCrop  *bool           `json:"do_center_crop"`
	DoRescale     *bool           `json:"do_rescale"`
	RescaleFactor *float64        `json:"rescale_factor"`
	DoNormalize   *bool           `json:"do_normalize"`
	DoConvertRGB  *bool           `json:"do_convert_rgb"`
	Resample      *int            `json:"resample"`
	DoPanAndScan  *bool           `json:"do_pan_and_scan"`
}

// sizeJSON is a size or crop_size object.
type sizeJSON struct {
	ShortestEdge *int `json:"shortest_edge"`
	LongestEdge  *int `json:"longest_edge"`
	Height       *int `json:"height"`
	Width        *int `json:"width"`
}

// LoadViTConfig reads preprocessor_config.json at path; absent keys take
// the values of defaults (DefaultCLIPConfig or DefaultGemma3Config).
func LoadViTConfig(path string, defaults ViTConfig) (ViTConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return ViTConfig{}, fmt.Errorf("load preprocessor config %q: %w", path, err)
	}
	return ParseViTConfig(data, path, defaults)
}

// ParseViTConfig parses the contents of a preprocessor_config.json; source
// names it in errors and warnings.
func ParseViTConfig(data []byte, source string, defaults ViTConfig) (ViTConfig, error) {
	var raw rawViTConfig
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&raw); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return ViTConfig{}, fmt.Errorf("%w: %s: key %q: want %s, got JSON %s", ErrConfig, source, typeErr.Field, typeErr.Type, typeErr.Value)
		}
		return ViTConfig{}, fmt.Errorf("%w: %s: %v", ErrConfig, source, err)
	}
	cfg := defaults
	cfg.Source = source
	cfg.Warnings = nil
	if err := cfg.readSize(raw.Size); err != nil {
		return ViTConfig{}, err
	}
	if err := cfg.readCropSize(raw.CropSize); err != nil {
		return ViTConfig{}, err
	}
	setInt(&cfg.Resample, raw.Resample)
	setBool(&cfg.DoResize, raw.DoResize)
	setBool(&cfg.DoCenterCrop, raw.DoCenterCrop)
	setBool(&cfg.DoRescale, raw.DoRescale)
	setBool(&cfg.DoNormalize, raw.DoNormalize)
	setBool(&cfg.DoConvertRGB, raw.DoConvertRGB)
	if raw.RescaleFactor != nil {
		cfg.RescaleFactor = *raw.RescaleFactor
	}
	var err error
	if cfg.Mean, err = channelValues(raw.ImageMean, cfg.Mean, "image_mean", source); err != nil {
		return ViTConfig{}, err
	}
	if cfg.Std, err = channelValues(raw.ImageStd, cfg.Std, "image_std", source); err != nil {
		return ViTConfig{}, err
	}
	if raw.DoPanAndScan != nil && *raw.DoPanAndScan {
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s: do_pan_and_scan is true but not applied: Gemma3Processor's call passes do_pan_and_scan=False unless asked, so transformers does not apply it either", source))
	}
	if err := cfg.Validate(); err != nil {
		return ViTConfig{}, err
	}
	return cfg, nil
}

// readSize reads size: {"shortest_edge"}, {"height", "width"}, or one
// number (a shortest edge for a config that resizes by it, else a square).
func (c *ViTConfig) readSize(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var n int
	if json.Unmarshal(raw, &n) == nil {
		if c.ShortestEdge > 0 {
			c.ShortestEdge = n
		} else {
			c.Height, c.Width = n, n
		}
		return nil
	}
	var s sizeJSON
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("%w: %s: size must be a number or an object, got %s", ErrConfig, c.Source, abbreviate(raw))
	}
	switch {
	case s.ShortestEdge != nil && s.LongestEdge == nil && s.Height == nil && s.Width == nil:
		c.ShortestEdge, c.Height, c.Width = *s.ShortestEdge, 0, 0
	case s.Height != nil && s.Width != nil && s.ShortestEdge == nil && s.LongestEdge == nil:
		c.ShortestEdge, c.Height, c.Width = 0, *s.Height, *s.Width
	default:
		return fmt.Errorf("%w: %s: size %s: want {\"shortest_edge\"} or {\"height\", \"width\"}", ErrConfig, c.Source, abbreviate(raw))
	}
	return nil
}

// readCropSize reads crop_size: {"height", "width"} or one number.
func (c *ViTConfig) readCropSize(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var n int
	if json.Unmarshal(raw, &n) == nil {
		c.CropHeight, c.CropWidth = n, n
		return nil
	}
	var s sizeJSON
	if err := json.Unmarshal(raw, &s); err != nil || s.Height == nil || s.Width == nil {
		return fmt.Errorf("%w: %s: crop_size %s: want a number or {\"height\", \"width\"}", ErrConfig, c.Source, abbreviate(raw))
	}
	c.CropHeight, c.CropWidth = *s.Height, *s.Width
	return nil
}

// Validate reports settings ProcessViT cannot work with.
func (c ViTConfig) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrConfig, c.Source, fmt.Sprintf(format, args...))
	}
	switch {
	case c.DoResize && c.ShortestEdge <= 0 && (c.Height <= 0 || c.Width <= 0):
		return bad("size %d×%d (height×width) must be positive", c.Height, c.Width)
	case c.DoCenterCrop && (c.CropHeight <= 0 || c.CropWidth <= 0):
		return bad("crop_size %d×%d (height×width) must be positive", c.CropHeight, c.CropWidth)
	case c.DoResize && !supportedResample(c.Resample):
		return bad("resample %d is not supported (%d lanczos, %d bilinear, %d bicubic)", c.Resample, ResampleLanczos, ResampleBilinear, ResampleBicubic)
	case c.DoRescale && (math.IsNaN(c.RescaleFactor) || math.IsInf(c.RescaleFactor, 0)):
		return bad("rescale_factor %v is not finite", c.RescaleFactor)
	}
	if c.DoNormalize {
		for i, s := range c.Std {
			if s == 0 || math.IsNaN(s) || math.IsInf(s, 0) || math.IsNaN(c.Mean[i]) || math.IsInf(c.Mean[i], 0) {
				return bad("channel %d: image_mean %v / image_std %v cannot normalize", i, c.Mean[i], s)
			}
		}
	}
	return nil
}

// OutputSize is the size (height, width) of the pixel values of an h×w
// image: the crop, or else the resize.
func (c ViTConfig) OutputSize(h, w int) (int, int) {
	if c.DoCenterCrop {
		return c.CropHeight, c.CropWidth
	}
	return c.resizeTarget(h, w)
}

// resizeTarget is the size (height, width) the resize step gives an h×w
// image: transformers' get_resize_output_image_size with
// default_to_square=False for a shortest edge, or the fixed size.
func (c ViTConfig) resizeTarget(h, w int) (int, int) {
	switch {
	case !c.DoResize:
		return h, w
	case c.ShortestEdge <= 0:
		return c.Height, c.Width
	}
	short, long := min(h, w), max(h, w)
	if short == c.ShortestEdge {
		return h, w
	}
	// int(size * long / short): an exact product, a correctly rounded
	// division, then truncation, as Python computes it.
	newLong := int(float64(c.ShortestEdge*long) / float64(short))
	if w <= h {
		return newLong, c.ShortestEdge
	}
	return c.ShortestEdge, newLong
}

// ProcessViT turns a decoded image into pixel values exactly as
// transformers' slow CLIPImageProcessor or Gemma3ImageProcessor does:
// resize with Pillow's filter (bit-exact), center crop, rescale in float64
// and store as float32, normalize in float32, channels first.
func ProcessViT(img *RGB, cfg ViTConfig) (*Pixels, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if !cfg.DoConvertRGB && img != nil && img.Mode != "" && img.Mode != "RGB" {
		return nil, fmt.Errorf("%w: %s: do_convert_rgb is false but the image is %s, and the model takes 3 RGB channels", ErrConfig, cfg.Source, img.Mode)
	}
	if err := checkResize(img, 1, 1); err != nil {
		return nil, err
	}
	resized := img
	if cfg.DoResize {
		h, w := cfg.resizeTarget(img.H, img.W)
		var err error
		if resized, err = ResizeWith(img, w, h, cfg.Resample); err != nil {
			return nil, fmt.Errorf("%s: %w", cfg.Source, err)
		}
	}
	out := &Pixels{ResizedW: resized.W, ResizedH: resized.H}
	if cfg.DoCenterCrop {
		var err error
		if resized, err = CenterCrop(resized, cfg.CropHeight, cfg.CropWidth); err != nil {
			return nil, err
		}
	}
	table := normalizationTables(cfg.DoRescale, cfg.RescaleFactor, cfg.DoNormalize, cfg.Mean, cfg.Std)
	out.Values, out.Height, out.Width = toCHW(resized, &table), resized.H, resized.W
	return out, nil
}
