package imageproc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
)

// ResampleBicubic is PIL's code for bicubic resampling (PILImageResampling
// .BICUBIC), the only resample value Process supports.
const ResampleBicubic = 3

// Config is the image half of a checkpoint's preprocessor_config.json: the
// settings of transformers' Qwen2VLImageProcessor.
type Config struct {
	// PatchSize is the vision tower's patch side in pixels (14 or 16).
	PatchSize int
	// TemporalPatchSize is the number of frames per patch (2); a still image
	// is repeated to fill them.
	TemporalPatchSize int
	// MergeSize is the side of the square of patches the merger turns into
	// one language-model token (2).
	MergeSize int
	// MinPixels and MaxPixels bound the resized area (smart_resize).
	MinPixels, MaxPixels int
	// Mean and Std normalize each RGB channel after rescaling; they are
	// applied in float32, as transformers does.
	Mean, Std [3]float64
	// DoResize, DoRescale, DoNormalize and DoConvertRGB switch the steps of
	// the same names.
	DoResize, DoRescale, DoNormalize, DoConvertRGB bool
	// RescaleFactor multiplies the 0..255 pixel values (1/255).
	RescaleFactor float64
	// Resample is PIL's resampling code; only ResampleBicubic is supported.
	Resample int
	// Source names where the config came from (a path, or "defaults").
	Source string
	// Warnings lists settings that were read but not followed, e.g. a
	// min_pixels that disagrees with size.shortest_edge.
	Warnings []string
}

// DefaultConfig returns transformers' defaults for Qwen2VLImageProcessor,
// used for every key a preprocessor_config.json leaves out. They are the
// same in transformers 4.57.6 (constructor arguments) and 5.2.0 (class
// attributes): bicubic, rescale 1/255, normalize with OpenAI CLIP's mean and
// std, convert to RGB, patch 14, temporal patch 2, merge 2, and pixel bounds
// 56·56 .. 28·28·1280.
func DefaultConfig() Config {
	return Config{
		PatchSize:         14,
		TemporalPatchSize: 2,
		MergeSize:         2,
		MinPixels:         56 * 56,
		MaxPixels:         28 * 28 * 1280,
		Mean:              [3]float64{0.48145466, 0.4578275, 0.40821073},
		Std:               [3]float64{0.26862954, 0.26130258, 0.27577711},
		DoResize:          true,
		DoRescale:         true,
		DoNormalize:       true,
		DoConvertRGB:      true,
		RescaleFactor:     1.0 / 255,
		Resample:          ResampleBicubic,
		Source:            "defaults",
	}
}

// Factor is the side, in pixels, of the square one merged token covers
// (PatchSize·MergeSize); resized sides are multiples of it.
func (c Config) Factor() int { return c.PatchSize * c.MergeSize }

// rawConfig mirrors the keys of preprocessor_config.json this package
// reads; pointers tell an absent (or null) key from a zero value.
type rawConfig struct {
	Size *struct {
		ShortestEdge *int `json:"shortest_edge"`
		LongestEdge  *int `json:"longest_edge"`
	} `json:"size"`
	MinPixels         *int            `json:"min_pixels"`
	MaxPixels         *int            `json:"max_pixels"`
	PatchSize         *int            `json:"patch_size"`
	TemporalPatchSize *int            `json:"temporal_patch_size"`
	MergeSize         *int            `json:"merge_size"`
	ImageMean         json.RawMessage `json:"image_mean"`
	ImageStd          json.RawMessage `json:"image_std"`
	DoResize          *bool           `json:"do_resize"`
	DoRescale         *bool           `json:"do_rescale"`
	RescaleFactor     *float64        `json:"rescale_factor"`
	DoNormalize       *bool           `json:"do_normalize"`
	DoConvertRGB      *bool           `json:"do_convert_rgb"`
	Resample          *int            `json:"resample"`
}

// LoadConfig reads preprocessor_config.json at path. Absent keys take
// DefaultConfig's values. The pixel bounds come from size
// (shortest_edge/longest_edge) when present, as transformers 5.x reads it;
// min_pixels/max_pixels are used when size is absent. When both are present
// and disagree, size is followed and Config.Warnings says so (note that
// transformers itself lets min_pixels/max_pixels override size).
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("load preprocessor config %q: %w", path, err)
	}
	return ParseConfig(data, path)
}

// ParseConfig parses the contents of a preprocessor_config.json; source
// names it in errors and warnings.
func ParseConfig(data []byte, source string) (Config, error) {
	var raw rawConfig
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return Config{}, fmt.Errorf("%w: %s: key %q: want %s, got JSON %s", ErrConfig, source, typeErr.Field, typeErr.Type, typeErr.Value)
		}
		return Config{}, fmt.Errorf("%w: %s: %v", ErrConfig, source, err)
	}
	cfg := DefaultConfig()
	cfg.Source = source
	if err := cfg.applyPixelBounds(raw); err != nil {
		return Config{}, err
	}
	setInt(&cfg.PatchSize, raw.PatchSize)
	setInt(&cfg.TemporalPatchSize, raw.TemporalPatchSize)
	setInt(&cfg.MergeSize, raw.MergeSize)
	setInt(&cfg.Resample, raw.Resample)
	setBool(&cfg.DoResize, raw.DoResize)
	setBool(&cfg.DoRescale, raw.DoRescale)
	setBool(&cfg.DoNormalize, raw.DoNormalize)
	setBool(&cfg.DoConvertRGB, raw.DoConvertRGB)
	if raw.RescaleFactor != nil {
		cfg.RescaleFactor = *raw.RescaleFactor
	}
	var err error
	if cfg.Mean, err = channelValues(raw.ImageMean, cfg.Mean, "image_mean", source); err != nil {
		return Config{}, err
	}
	if cfg.Std, err = channelValues(raw.ImageStd, cfg.Std, "image_std", source); err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// applyPixelBounds sets MinPixels/MaxPixels from size, or else from
// min_pixels/max_pixels, warning when the two disagree.
func (c *Config) applyPixelBounds(raw rawConfig) error {
	if raw.Size == nil {
		setInt(&c.MinPixels, raw.MinPixels)
		setInt(&c.MaxPixels, raw.MaxPixels)
		return nil
	}
	if raw.Size.ShortestEdge == nil || raw.Size.LongestEdge == nil {
		return fmt.Errorf("%w: %s: size must contain shortest_edge and longest_edge", ErrConfig, c.Source)
	}
	c.MinPixels, c.MaxPixels = *raw.Size.ShortestEdge, *raw.Size.LongestEdge
	if raw.MinPixels != nil && *raw.MinPixels != c.MinPixels {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%s: min_pixels %d disagrees with size.shortest_edge %d; following size (transformers would follow min_pixels)", c.Source, *raw.MinPixels, c.MinPixels))
	}
	if raw.MaxPixels != nil && *raw.MaxPixels != c.MaxPixels {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%s: max_pixels %d disagrees with size.longest_edge %d; following size (transformers would follow max_pixels)", c.Source, *raw.MaxPixels, c.MaxPixels))
	}
	return nil
}

// Validate reports settings Process cannot work with.
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrConfig, c.Source, fmt.Sprintf(format, args...))
	}
	switch {
	case c.PatchSize <= 0:
		return bad("patch_size %d must be positive", c.PatchSize)
	case c.TemporalPatchSize <= 0:
		return bad("temporal_patch_size %d must be positive", c.TemporalPatchSize)
	case c.MergeSize <= 0:
		return bad("merge_size %d must be positive", c.MergeSize)
	case c.MinPixels < 0:
		return bad("min_pixels (size.shortest_edge) %d must not be negative", c.MinPixels)
	case c.MaxPixels <= 0:
		return bad("max_pixels (size.longest_edge) %d must be positive", c.MaxPixels)
	case c.DoResize && c.Resample != ResampleBicubic:
		return bad("resample %d is not supported; only %d (bicubic)", c.Resample, ResampleBicubic)
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

// channelValues reads image_mean or image_std: a list of three numbers, or
// one number for all channels; absent or null keeps def.
func channelValues(raw json.RawMessage, def [3]float64, key, source string) ([3]float64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return def, nil
	}
	var one float64
	if err := json.Unmarshal(raw, &one); err == nil {
		return [3]float64{one, one, one}, nil
	}
	var list []float64
	if err := json.Unmarshal(raw, &list); err != nil || len(list) != 3 {
		return def, fmt.Errorf("%w: %s: %s must be a number or a list of 3 numbers, got %s", ErrConfig, source, key, abbreviate(raw))
	}
	return [3]float64{list[0], list[1], list[2]}, nil
}

func setInt(dst *int, v *int) {
	if v != nil {
		*dst = *v
	}
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

// abbreviate shortens raw JSON for an error message.
func abbreviate(raw []byte) string {
	const limit = 40
	if len(raw) > limit {
		return string(raw[:limit]) + "…"
	}
	return string(raw)
}
