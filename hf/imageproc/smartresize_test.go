package imageproc

import (
	"errors"
	"fmt"
	"testing"
)

// TestSmartResize checks smart_resize against values from transformers'
// formula (evaluated in Python) and the sizes measured in the front-end
// notes.
func TestSmartResize(t *testing.T) {
	const (
		q3Min, q3Max = 65536, 16777216 // Qwen3-VL size
		q2Min, q2Max = 3136, 12845056  // Qwen2/2.5-VL min/max_pixels
		noMax        = 1 << 30
	)
	tests := []struct {
		name              string
		h, w, factor      int
		minPixels, maxPix int
		wantH, wantW      int
	}{
		{"qwen3 upscale to min_pixels", 128, 128, 32, q3Min, q3Max, 256, 256},
		{"qwen3 plain rounding", 200, 300, 32, q3Min, q3Max, 224, 320},
		{"qwen3 667x1000", 667, 1000, 32, q3Min, q3Max, 672, 992},
		{"2000/32 = 62.5 rounds down to even", 1500, 2000, 32, q3Min, q3Max, 1504, 1984},
		{"2032/32 = 63.5 rounds up to even", 1500, 2032, 32, q3Min, q3Max, 1504, 2048},
		{"48/32 = 1.5 rounds up to 2", 48, 48, 32, 0, noMax, 64, 64},
		{"80/32 = 2.5 rounds down to 2", 80, 80, 32, 0, noMax, 64, 64},
		{"42/28 = 1.5 rounds up to 2", 42, 42, 28, 0, noMax, 56, 56},
		{"70/28 = 2.5 rounds down to 2", 70, 70, 28, 0, noMax, 56, 56},
		{"qwen2 128x128", 128, 128, 28, q2Min, q2Max, 140, 140},
		{"qwen2 200x300", 200, 300, 28, q2Min, q2Max, 196, 308},
		{"min_pixels upscale of a tiny image", 20, 20, 32, q3Min, q3Max, 256, 256},
		{"min_pixels upscale from zero rounding", 10, 10, 28, q2Min, q2Max, 56, 56},
		{"max_pixels downscale", 4000, 3000, 28, q2Min, 1003520, 1148, 840},
		{"under max_pixels stays", 4000, 3000, 28, q2Min, q2Max, 4004, 2996},
		{"max(factor, …) clamp of the short side", 20, 3000, 28, q2Min, 3136, 28, 672},
		{"aspect ratio exactly 200", 10, 2000, 28, q2Min, q2Max, 28, 812},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, w, err := SmartResize(tc.h, tc.w, tc.factor, tc.minPixels, tc.maxPix)
			if err != nil {
				t.Fatal(err)
			}
			if h != tc.wantH || w != tc.wantW {
				t.Errorf("SmartResize(%d, %d, %d, %d, %d) = %d×%d; want %d×%d", tc.h, tc.w, tc.factor, tc.minPixels, tc.maxPix, h, w, tc.wantH, tc.wantW)
			}
		})
	}
}

// TestSmartResizeErrors checks the refused inputs.
func TestSmartResizeErrors(t *testing.T) {
	tests := []struct {
		h, w, factor, minPixels int
		want                    error
	}{
		{10, 2001, 28, 3136, ErrAspectRatio},
		{4001, 20, 28, 3136, ErrAspectRatio},
		{0, 100, 28, 3136, ErrEmptyImage},
		{100, -1, 28, 3136, ErrEmptyImage},
		{14, 14, 28, 0, ErrEmptyImage}, // round(0.5) = 0 and no min_pixels to lift it
		{100, 100, 0, 3136, ErrConfig},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%dx%d/%d", tc.h, tc.w, tc.factor), func(t *testing.T) {
			_, _, err := SmartResize(tc.h, tc.w, tc.factor, tc.minPixels, 12845056)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v; want %v", err, tc.want)
			}
		})
	}
}
