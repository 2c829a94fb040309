package imageproc

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestViTMatchesReference checks ProcessViT on wide, tall, small and exact
// images against testdata/vit/expected.json, a Python replica of
// transformers' slow CLIPImageProcessor and Gemma3ImageProcessor on Pillow
// 9.4.0: resize by shortest edge (up and down) or to a fixed size, center
// crops inside the image and larger than it (zero padding), bit for bit.
func TestViTMatchesReference(t *testing.T) {
	clip := func(edge, cropH, cropW int) ViTConfig {
		c := DefaultCLIPConfig()
		c.ShortestEdge, c.CropHeight, c.CropWidth, c.Source = edge, cropH, cropW, "test"
		return c
	}
	gemma := DefaultGemma3Config()
	gemma.Height, gemma.Width = 64, 64
	configs := map[string]ViTConfig{
		"clip56": clip(56, 56, 56), "clip48_crop56": clip(48, 56, 56), "clip56_crop40x50": clip(56, 40, 50), "gemma64": gemma,
	}
	var expected struct {
		Cases []struct {
			Image, Config string
			ResizedWH     [2]int    `json:"resized_wh"`
			Shape         [3]int    `json:"shape"`
			SHA256        string    `json:"sha256"`
			First         []float32 `json:"first"`
		} `json:"cases"`
	}
	readJSONFile(t, filepath.Join("testdata", "vit", "expected.json"), &expected)
	if len(expected.Cases) != 16 {
		t.Fatalf("%d cases, want 16", len(expected.Cases))
	}
	for _, tc := range expected.Cases {
		t.Run(tc.Image+"/"+tc.Config, func(t *testing.T) {
			img, err := DecodeFile(filepath.Join("testdata", "vit", tc.Image))
			if err != nil {
				t.Fatal(err)
			}
			cfg := configs[tc.Config]
			p, err := ProcessViT(img, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if p.ResizedW != tc.ResizedWH[0] || p.ResizedH != tc.ResizedWH[1] {
				t.Errorf("resized %d×%d, want %v", p.ResizedW, p.ResizedH, tc.ResizedWH)
			}
			if [3]int{3, p.Height, p.Width} != tc.Shape {
				t.Fatalf("shape [3 %d %d], want %v", p.Height, p.Width, tc.Shape)
			}
			if h, w := cfg.OutputSize(img.H, img.W); h != p.Height || w != p.Width {
				t.Errorf("OutputSize %d×%d, processed %d×%d", h, w, p.Height, p.Width)
			}
			for i, v := range tc.First {
				if p.Values[i] != v {
					t.Errorf("value %d = %v, want %v", i, p.Values[i], v)
				}
			}
			if got := sha256Hex(float32Bytes(p.Values)); got != tc.SHA256 {
				t.Errorf("sha256 %s, want %s", got, tc.SHA256)
			}
		})
	}
}

// TestParseViTConfig checks size forms, defaults per processor, warnings
// and refusals.
func TestParseViTConfig(t *testing.T) {
	t.Run("int sizes", func(t *testing.T) {
		c, err := ParseViTConfig([]byte(`{"size": 336, "crop_size": 300, "resample": 2}`), "p", DefaultCLIPConfig())
		if err != nil {
			t.Fatal(err)
		}
		if c.ShortestEdge != 336 || c.CropHeight != 300 || c.CropWidth != 300 || c.Resample != ResampleBilinear || !c.DoCenterCrop {
			t.Errorf("CLIP with int sizes: %+v", c)
		}
		g, err := ParseViTConfig([]byte(`{"size": 896, "do_convert_rgb": null, "do_pan_and_scan": null}`), "p", DefaultGemma3Config())
		if err != nil {
			t.Fatal(err)
		}
		if g.Height != 896 || g.Width != 896 || g.ShortestEdge != 0 || g.DoCenterCrop || !g.DoConvertRGB || len(g.Warnings) != 0 {
			t.Errorf("Gemma 3 with an int size: %+v", g)
		}
	})
	t.Run("fixed size for CLIP", func(t *testing.T) {
		c, err := ParseViTConfig([]byte(`{"size": {"height": 30, "width": 40}, "do_center_crop": false}`), "p", DefaultCLIPConfig())
		if err != nil {
			t.Fatal(err)
		}
		if h, w := c.OutputSize(500, 100); c.ShortestEdge != 0 || h != 30 || w != 40 {
			t.Errorf("config %+v gives %d×%d", c, h, w)
		}
	})
	t.Run("pan and scan warns", func(t *testing.T) {
		c, err := ParseViTConfig([]byte(`{"do_pan_and_scan": true}`), "p", DefaultGemma3Config())
		if err != nil || len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "do_pan_and_scan") {
			t.Errorf("warnings %q, %v", c.Warnings, err)
		}
	})
	for name, body := range map[string]string{
		"both size forms":  `{"size": {"shortest_edge": 5, "height": 4, "width": 4}}`,
		"longest edge":     `{"size": {"shortest_edge": 5, "longest_edge": 9}}`,
		"bad crop":         `{"crop_size": {"height": 4}}`,
		"zero crop":        `{"crop_size": 0}`,
		"nearest":          `{"resample": 0}`,
		"zero std":         `{"image_std": [0.5, 0, 0.5]}`,
		"mean of two":      `{"image_mean": [0.5, 0.5]}`,
		"string rescale":   `{"rescale_factor": "x"}`,
		"not json":         `{`,
		"size not an int":  `{"size": "big"}`,
		"fixed zero width": `{"size": {"height": 4, "width": 0}}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseViTConfig([]byte(body), "p.json", DefaultCLIPConfig()); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "p.json") {
				t.Errorf("error %v, want ErrConfig naming p.json", err)
			}
		})
	}
}

// TestShortestEdgeSizes checks the resize step's sizes, including the
// truncation the golden README names (120×90 → 74×56, 320×90 → 199×56).
func TestShortestEdgeSizes(t *testing.T) {
	c := DefaultCLIPConfig()
	c.ShortestEdge = 56
	for _, tc := range []struct{ w, h, wantW, wantH int }{
		{120, 90, 74, 56}, {320, 90, 199, 56}, {90, 320, 56, 199}, {56, 80, 56, 80}, {10, 10, 56, 56}, {57, 56, 57, 56},
	} {
		if h, w := c.resizeTarget(tc.h, tc.w); w != tc.wantW || h != tc.wantH {
			t.Errorf("%d×%d → %d×%d, want %d×%d", tc.w, tc.h, w, h, tc.wantW, tc.wantH)
		}
	}
}

// TestCenterCropPads checks crops larger than the image along one axis.
func TestCenterCropPads(t *testing.T) {
	src := patternRGB(5, 3)
	out, err := CenterCrop(src, 6, 3) // rows padded by ceil(3/2) = 2 on top, columns cut from 1
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 6; y++ {
		for x := 0; x < 3; x++ {
			for c := 0; c < 3; c++ {
				want := uint8(0)
				if sy := y - 2; sy >= 0 && sy < 3 {
					want = src.Pix[3*(sy*5+x+1)+c]
				}
				if got := out.Pix[3*(y*3+x)+c]; got != want {
					t.Fatalf("pixel (%d, %d) channel %d = %d, want %d", x, y, c, got, want)
				}
			}
		}
	}
}
