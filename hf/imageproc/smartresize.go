package imageproc

import (
	"fmt"
	"math"
)

// MaxAspectRatio is the largest max(h,w)/min(h,w) smart_resize accepts.
const MaxAspectRatio = 200

// SmartResize returns the size (height, width) transformers' smart_resize
// (Qwen2-VL image processor, transformers 4.57.6 and 5.2.0) picks for an
// h×w image: both sides multiples of factor, the area inside
// [minPixels, maxPixels], the aspect ratio kept as closely as possible.
//
//  1. Each side is rounded to the nearest multiple of factor with Python's
//     round, which rounds halves to even (2000/32 = 62.5 → 62).
//  2. If the area exceeds maxPixels, both sides are scaled by
//     1/sqrt(h·w/maxPixels) and floored to multiples of factor, but not
//     below factor.
//  3. Else if the area is below minPixels, both sides are scaled by
//     sqrt(minPixels/(h·w)) and ceiled to multiples of factor.
//
// It fails with ErrEmptyImage for a non-positive side (or when rounding
// leaves one, possible only with minPixels 0), and with ErrAspectRatio when
// the longer side exceeds MaxAspectRatio times the shorter.
func SmartResize(h, w, factor, minPixels, maxPixels int) (int, int, error) {
	if h <= 0 || w <= 0 {
		return 0, 0, fmt.Errorf("%w: %d×%d (h×w)", ErrEmptyImage, h, w)
	}
	if factor <= 0 {
		return 0, 0, fmt.Errorf("%w: resize factor %d must be positive", ErrConfig, factor)
	}
	ratio := float64(max(h, w)) / float64(min(h, w))
	if ratio > MaxAspectRatio {
		return 0, 0, fmt.Errorf("%w: %d×%d (h×w) has ratio %.1f; transformers' smart_resize refuses more than %d", ErrAspectRatio, h, w, ratio, MaxAspectRatio)
	}
	f := float64(factor)
	hBar := int(math.RoundToEven(float64(h)/f)) * factor
	wBar := int(math.RoundToEven(float64(w)/f)) * factor
	switch {
	case hBar*wBar > maxPixels:
		beta := math.Sqrt(float64(h*w) / float64(maxPixels))
		hBar = max(factor, int(math.Floor(float64(h)/beta/f))*factor)
		wBar = max(factor, int(math.Floor(float64(w)/beta/f))*factor)
	case hBar*wBar < minPixels:
		beta := math.Sqrt(float64(minPixels) / float64(h*w))
		hBar = int(math.Ceil(float64(h)*beta/f)) * factor
		wBar = int(math.Ceil(float64(w)*beta/f)) * factor
	}
	if hBar <= 0 || wBar <= 0 {
		return 0, 0, fmt.Errorf("%w: smart_resize turns %d×%d (h×w) into %d×%d with factor %d and min_pixels %d", ErrEmptyImage, h, w, hBar, wBar, factor, minPixels)
	}
	return hBar, wBar, nil
}
