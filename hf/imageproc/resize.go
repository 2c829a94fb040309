package imageproc

import "fmt"

// ResizeBicubic resizes img to w×h exactly as Pillow's
// Image.resize((w, h), Image.BICUBIC) does for an RGB image (reducing_gap
// None, the whole image as the box): a separable, antialiased Catmull-Rom
// filter in 22-bit fixed point, horizontal pass first, clipping to 0..255
// between passes. It is bit-exact with Pillow. An unchanged size returns a
// copy.
func ResizeBicubic(img *RGB, w, h int) (*RGB, error) {
	if err := checkResize(img, w, h); err != nil {
		return nil, err
	}
	return resample(img, w, h, bicubicFilter()), nil
}

// ResizeLanczos resizes img to w×h as Pillow's Image.resize((w, h),
// Image.LANCZOS) does, in the same framework as ResizeBicubic with Pillow's
// Lanczos-3 kernel. Its weights come from math.Sin, which may differ from
// the C library's sin in the last bit, so a rare pixel may differ from
// Pillow by one level.
func ResizeLanczos(img *RGB, w, h int) (*RGB, error) {
	if err := checkResize(img, w, h); err != nil {
		return nil, err
	}
	return resample(img, w, h, lanczosFilter()), nil
}

// ResizeBilinear resizes img to w×h exactly as Pillow's
// Image.resize((w, h), Image.BILINEAR) does, in the same framework as
// ResizeBicubic with Pillow's triangle kernel (bit-exact: the weights need
// no transcendental function).
func ResizeBilinear(img *RGB, w, h int) (*RGB, error) {
	if err := checkResize(img, w, h); err != nil {
		return nil, err
	}
	return resample(img, w, h, bilinearFilter()), nil
}

// PIL's resampling codes (PILImageResampling) that ResizeWith takes.
const (
	ResampleLanczos  = 1
	ResampleBilinear = 2
)

// ResizeWith resizes img to w×h with one of PIL's resampling filters, by
// its code: ResampleLanczos, ResampleBilinear or ResampleBicubic.
func ResizeWith(img *RGB, w, h, resample int) (*RGB, error) {
	switch resample {
	case ResampleBicubic:
		return ResizeBicubic(img, w, h)
	case ResampleBilinear:
		return ResizeBilinear(img, w, h)
	case ResampleLanczos:
		return ResizeLanczos(img, w, h)
	}
	return nil, fmt.Errorf("resize: %w: resample %d (supported: %d lanczos, %d bilinear, %d bicubic)",
		ErrConfig, resample, ResampleLanczos, ResampleBilinear, ResampleBicubic)
}

// supportedResample reports whether ResizeWith takes the code.
func supportedResample(code int) bool {
	return code == ResampleLanczos || code == ResampleBilinear || code == ResampleBicubic
}

// LimitResolution shrinks img so that its longer side is at most maxSide,
// keeping the aspect ratio, with Lanczos resampling, in memory; this is
// vlmask's --max-image-resolution. The longer side becomes exactly maxSide
// and the shorter one shorter·maxSide/longer, truncated (at least 1). An
// image already small enough, or maxSide ≤ 0 (no limit), is returned as is.
func LimitResolution(img *RGB, maxSide int) (*RGB, error) {
	if maxSide <= 0 || max(img.W, img.H) <= maxSide {
		return img, nil
	}
	w, h := maxSide, max(1, img.H*maxSide/img.W)
	if img.H > img.W {
		w, h = max(1, img.W*maxSide/img.H), maxSide
	}
	return ResizeLanczos(img, w, h)
}

// checkResize refuses empty images and target sizes.
func checkResize(img *RGB, w, h int) error {
	switch {
	case img == nil || img.W <= 0 || img.H <= 0 || len(img.Pix) != 3*img.W*img.H:
		return fmt.Errorf("resize: %w: source is not a non-empty RGB image", ErrEmptyImage)
	case w <= 0 || h <= 0:
		return fmt.Errorf("resize: %w: target size %d×%d", ErrEmptyImage, w, h)
	}
	return nil
}
