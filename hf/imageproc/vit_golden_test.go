package imageproc

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/golden"
)

// TestGoldenViTPixelValues checks the LLaVA (CLIPImageProcessor: shortest
// edge 56 by bicubic, center crop 56×56) and Gemma 3 (Gemma3ImageProcessor:
// 64×64 by bilinear) golden cases: ProcessViT on input/image.png with
// the checkpoint's preprocessor_config.json must give
// expected/golden.safetensors' pixel_values bit for bit.
func TestGoldenViTPixelValues(t *testing.T) {
	root := golden.Dir(t)
	for _, tc := range []struct {
		name           string
		defaults       ViTConfig
		resizedW, resH int
	}{
		{"llava_basic", DefaultCLIPConfig(), 74, 56},
		{"gemma3_basic", DefaultGemma3Config(), 64, 64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(root, tc.name)
			cfg, err := LoadViTConfig(filepath.Join(dir, "checkpoint", "preprocessor_config.json"), tc.defaults)
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.Warnings) != 0 {
				t.Errorf("warnings: %q", cfg.Warnings)
			}
			img, err := DecodeFile(filepath.Join(dir, "input", "image.png"))
			if err != nil {
				t.Fatal(err)
			}
			p, err := ProcessViT(img, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if p.ResizedW != tc.resizedW || p.ResizedH != tc.resH {
				t.Errorf("resized to %d×%d (w×h), want %d×%d", p.ResizedW, p.ResizedH, tc.resizedW, tc.resH)
			}
			f, err := safetensors.Open(filepath.Join(dir, "expected", "golden.safetensors"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			pv, err := f.Tensor("pixel_values")
			if err != nil {
				t.Fatal(err)
			}
			if want := []int64{1, 3, int64(p.Height), int64(p.Width)}; len(pv.Shape) != 4 || pv.Shape[0] != want[0] || pv.Shape[1] != want[1] || pv.Shape[2] != want[2] || pv.Shape[3] != want[3] {
				t.Fatalf("pixel_values shape %v; golden %v", want, pv.Shape)
			}
			if got := float32Bytes(p.Values); !bytes.Equal(got, pv.Data) {
				want, _ := pv.Float32()
				for i := range want {
					if want[i] != p.Values[i] {
						t.Fatalf("pixel_values differ first at %d (channel %d, row %d, col %d): %v, golden %v",
							i, i/(p.Height*p.Width), i/p.Width%p.Height, i%p.Width, p.Values[i], want[i])
					}
				}
			}
		})
	}
}
