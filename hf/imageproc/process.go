package imageproc

import (
	"fmt"
)

// Processed is one image as the model's vision tower takes it.
type Processed struct {
	// PixelValues are the flattened patches, Rows×Cols, row-major: rows in
	// (t, h-block, w-block, h-in-merge, w-in-merge) order, so each merge
	// window's patches are consecutive; columns in (channel, frame, y, x)
	// order, matching the patch-embedding Conv3d weight.
	PixelValues []float32
	Rows, Cols  int
	// GridT, GridH, GridW are image_grid_thw: frames/temporal_patch_size
	// and the patch grid's height and width (before merging).
	GridT, GridH, GridW int
	// ResizedW, ResizedH are the image size after smart_resize.
	ResizedW, ResizedH int
	// NumTokens is the number of <|image_pad|> tokens the image expands to:
	// GridT·GridH·GridW / MergeSize².
	NumTokens int
}

// TargetSize returns the size (height, width) the processor resizes an
// h×w image to: smart_resize's choice, or h×w itself when DoResize is off.
func (c Config) TargetSize(h, w int) (int, int, error) {
	if !c.DoResize {
		return h, w, nil
	}
	return SmartResize(h, w, c.Factor(), c.MinPixels, c.MaxPixels)
}

// Resize performs the processor's resize step: smart_resize, then
// Pillow-exact bicubic resampling (nothing when the size is unchanged or
// DoResize is off). The result never shares memory with img.
func Resize(img *RGB, cfg Config) (*RGB, error) {
	if err := checkResize(img, 1, 1); err != nil {
		return nil, err
	}
	h, w, err := cfg.TargetSize(img.H, img.W)
	if err != nil {
		return nil, err
	}
	return ResizeBicubic(img, w, h)
}

// ProcessFile decodes the image at path and processes it; errors name the
// file.
func ProcessFile(path string, cfg Config) (*Processed, error) {
	img, err := DecodeFile(path)
	if err != nil {
		return nil, err
	}
	p, err := Process(img, cfg)
	if err != nil {
		return nil, fmt.Errorf("image %q: %w", path, err)
	}
	return p, nil
}

// Process turns a decoded image into pixel values exactly as transformers'
// slow Qwen2VLImageProcessor does: resize (see Resize), rescale in float64
// and store as float32, normalize in float32, repeat the frame to
// TemporalPatchSize and flatten into patches.
func Process(img *RGB, cfg Config) (*Processed, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if !cfg.DoConvertRGB && img != nil && img.Mode != "" && img.Mode != "RGB" {
		return nil, fmt.Errorf("%w: %s: do_convert_rgb is false but the image is %s, and the model takes 3 RGB channels", ErrConfig, cfg.Source, img.Mode)
	}
	resized, err := Resize(img, cfg)
	if err != nil {
		return nil, err
	}
	if f := cfg.Factor(); resized.H%f != 0 || resized.W%f != 0 {
		return nil, fmt.Errorf("%w: %s: do_resize is off and %d×%d (h×w) is not a multiple of patch_size·merge_size = %d", ErrConfig, cfg.Source, resized.H, resized.W, f)
	}
	return patchify(resized, cfg), nil
}

// channelTables returns the normalization tables of a Qwen config.
func channelTables(cfg Config) [3][256]float32 {
	return normalizationTables(cfg.DoRescale, cfg.RescaleFactor, cfg.DoNormalize, cfg.Mean, cfg.Std)
}

// patchify normalizes img (sides multiples of PatchSize·MergeSize) and
// flattens it into the processor's patch order.
func patchify(img *RGB, cfg Config) *Processed {
	p, m, tps := cfg.PatchSize, cfg.MergeSize, cfg.TemporalPatchSize
	gh, gw := img.H/p, img.W/p
	cols := 3 * tps * p * p
	out := &Processed{
		Rows: gh * gw, Cols: cols,
		GridT: 1, GridH: gh, GridW: gw,
		ResizedW: img.W, ResizedH: img.H,
		NumTokens: gh * gw / (m * m),
	}
	out.PixelValues = make([]float32, out.Rows*cols)
	table := channelTables(cfg)
	row := 0
	for hb := 0; hb < gh/m; hb++ {
		for wb := 0; wb < gw/m; wb++ {
			for hm := 0; hm < m; hm++ {
				for wm := 0; wm < m; wm++ {
					y0, x0 := (hb*m+hm)*p, (wb*m+wm)*p
					dst := out.PixelValues[row*cols : (row+1)*cols]
					fillPatch(dst, img, &table, x0, y0, p, tps)
					row++
				}
			}
		}
	}
	return out
}

// fillPatch writes one patch's columns (channel, frame, y, x): the p×p
// square at (x0, y0), identical for every frame of a still image.
func fillPatch(dst []float32, img *RGB, table *[3][256]float32, x0, y0, p, tps int) {
	i := 0
	for c := range 3 {
		frame := dst[i : i+p*p]
		lut := &table[c]
		for py := 0; py < p; py++ {
			src := img.Pix[3*((y0+py)*img.W+x0)+c : 3*((y0+py)*img.W+x0+p)]
			out := frame[py*p : (py+1)*p]
			for px := range out {
				out[px] = lut[src[3*px]]
			}
		}
		i += p * p
		for t := 1; t < tps; t++ {
			copy(dst[i:i+p*p], frame)
			i += p * p
		}
	}
}
