package imageproc

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// goldenImageCase is one entry of imageproc/expected.json.
type goldenImageCase struct {
	Image            string    `json:"image"`
	Config           string    `json:"config"`
	InputMode        string    `json:"input_mode"`
	InputSizeWH      [2]int    `json:"input_size_wh"`
	Factor           int       `json:"factor"`
	MinPixels        int       `json:"min_pixels"`
	MaxPixels        int       `json:"max_pixels"`
	ResizedHW        [2]int    `json:"resized_hw"`
	ResizedRGBSHA256 string    `json:"resized_rgb_sha256"`
	ImageGridTHW     [3]int    `json:"image_grid_thw"`
	NImageTokens     int       `json:"n_image_tokens"`
	PixelValuesShape [2]int    `json:"pixel_values_shape"`
	PixelValuesSHA   string    `json:"pixel_values_sha256"`
	PixelValuesSum   float64   `json:"pixel_values_sum"`
	PixelValuesFirst []float32 `json:"pixel_values_first"`
	PixelValuesLast  []float32 `json:"pixel_values_last"`
}

// TestGoldenImageproc checks every (image, config) pair of
// golden/imageproc against transformers' slow processor on Pillow 9.4.0:
// decoded mode, resize size and bytes, grid, token count and the pixel
// values, all exactly.
func TestGoldenImageproc(t *testing.T) {
	root := filepath.Join(goldenDir(t), "imageproc")
	data, err := os.ReadFile(filepath.Join(root, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expected struct {
		Cases []goldenImageCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &expected); err != nil {
		t.Fatal(err)
	}
	if len(expected.Cases) == 0 {
		t.Fatal("expected.json has no cases")
	}
	for _, tc := range expected.Cases {
		t.Run(tc.Image+"/"+tc.Config, func(t *testing.T) {
			cfg, err := LoadConfig(filepath.Join(root, "configs", tc.Config, "preprocessor_config.json"))
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.Warnings) != 0 {
				t.Errorf("warnings for a consistent config: %q", cfg.Warnings)
			}
			if cfg.Factor() != tc.Factor || cfg.MinPixels != tc.MinPixels || cfg.MaxPixels != tc.MaxPixels {
				t.Errorf("config: factor %d, pixels %d..%d; want %d, %d..%d", cfg.Factor(), cfg.MinPixels, cfg.MaxPixels, tc.Factor, tc.MinPixels, tc.MaxPixels)
			}
			img, err := DecodeFile(filepath.Join(root, "images", tc.Image))
			if err != nil {
				t.Fatal(err)
			}
			if img.Mode != tc.InputMode || img.W != tc.InputSizeWH[0] || img.H != tc.InputSizeWH[1] {
				t.Errorf("decoded %s %d×%d; want %s %d×%d", img.Mode, img.W, img.H, tc.InputMode, tc.InputSizeWH[0], tc.InputSizeWH[1])
			}
			resized, err := Resize(img, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if resized.H != tc.ResizedHW[0] || resized.W != tc.ResizedHW[1] {
				t.Fatalf("resized to %d×%d (h×w); want %d×%d", resized.H, resized.W, tc.ResizedHW[0], tc.ResizedHW[1])
			}
			if got := sha256Hex(resized.Pix); got != tc.ResizedRGBSHA256 {
				t.Errorf("resized RGB sha256 %s; want %s", got, tc.ResizedRGBSHA256)
			}
			p, err := Process(img, cfg)
			if err != nil {
				t.Fatal(err)
			}
			checkProcessed(t, p, tc)
		})
	}
}

func checkProcessed(t *testing.T, p *Processed, tc goldenImageCase) {
	t.Helper()
	if got := [3]int{p.GridT, p.GridH, p.GridW}; got != tc.ImageGridTHW {
		t.Errorf("grid %v; want %v", got, tc.ImageGridTHW)
	}
	if p.NumTokens != tc.NImageTokens {
		t.Errorf("tokens %d; want %d", p.NumTokens, tc.NImageTokens)
	}
	if got := [2]int{p.Rows, p.Cols}; got != tc.PixelValuesShape {
		t.Fatalf("shape %v; want %v", got, tc.PixelValuesShape)
	}
	if got := sha256Hex(float32Bytes(p.PixelValues)); got != tc.PixelValuesSHA {
		t.Errorf("pixel_values sha256 %s; want %s", got, tc.PixelValuesSHA)
	}
	sum := 0.0
	for _, v := range p.PixelValues {
		sum += float64(v)
	}
	// The reference sum is numpy's pairwise float64 sum; a sequential sum
	// of the same float32 values agrees to far better than 1e-9 relative.
	if d := sum - tc.PixelValuesSum; d > 1e-9*max(1, abs(tc.PixelValuesSum)) || -d > 1e-9*max(1, abs(tc.PixelValuesSum)) {
		t.Errorf("pixel_values sum %.12g; want %.12g", sum, tc.PixelValuesSum)
	}
	n := len(p.PixelValues)
	for i, want := range tc.PixelValuesFirst {
		if p.PixelValues[i] != want {
			t.Errorf("pixel_values[%d] = %v; want %v", i, p.PixelValues[i], want)
		}
	}
	for i, want := range tc.PixelValuesLast {
		if got := p.PixelValues[n-len(tc.PixelValuesLast)+i]; got != want {
			t.Errorf("pixel_values[%d] = %v; want %v", n-len(tc.PixelValuesLast)+i, got, want)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
