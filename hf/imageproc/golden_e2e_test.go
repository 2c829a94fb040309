package imageproc

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/hf/safetensors"
)

// TestGoldenEndToEndPixelValues checks every end-to-end Qwen golden case
// with an image (the LLaVA and Gemma 3 ones: TestGoldenViTPixelValues):
// ProcessFile on input/image.png with the checkpoint's
// preprocessor_config.json must give expected/golden.safetensors'
// pixel_values bit for bit, and its image_grid_thw.
func TestGoldenEndToEndPixelValues(t *testing.T) {
	root := goldenDir(t)
	images, err := filepath.Glob(filepath.Join(root, "qwen*", "input", "image.png"))
	if err != nil {
		t.Fatal(err)
	}
	if len(images) == 0 {
		t.Fatalf("no end-to-end case with input/image.png under %s", root)
	}
	for _, image := range images {
		caseDir := filepath.Dir(filepath.Dir(image))
		t.Run(filepath.Base(caseDir), func(t *testing.T) {
			cfg, err := LoadConfig(filepath.Join(caseDir, "checkpoint", "preprocessor_config.json"))
			if err != nil {
				t.Fatal(err)
			}
			p, err := ProcessFile(image, cfg)
			if err != nil {
				t.Fatal(err)
			}
			f, err := safetensors.Open(filepath.Join(caseDir, "expected", "golden.safetensors"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := f.Close(); err != nil {
					t.Errorf("close golden.safetensors: %v", err)
				}
			})
			pv, err := f.Tensor("pixel_values")
			if err != nil {
				t.Fatal(err)
			}
			if want := []int64{int64(p.Rows), int64(p.Cols)}; len(pv.Shape) != 2 || pv.Shape[0] != want[0] || pv.Shape[1] != want[1] {
				t.Fatalf("pixel_values shape %v; golden %v", want, pv.Shape)
			}
			if pv.DType != safetensors.F32 {
				t.Fatalf("golden pixel_values dtype %s; want F32", pv.DType)
			}
			if got := float32Bytes(p.PixelValues); !bytes.Equal(got, pv.Data) {
				want, _ := pv.Float32()
				for i := range want {
					if want[i] != p.PixelValues[i] {
						t.Fatalf("pixel_values differ first at %d (row %d col %d): %v, golden %v", i, i/p.Cols, i%p.Cols, p.PixelValues[i], want[i])
					}
				}
			}
			grid, err := f.Tensor("image_grid_thw")
			if err != nil {
				t.Fatal(err)
			}
			g, err := grid.Int64()
			if err != nil {
				t.Fatal(err)
			}
			if len(g) != 3 || g[0] != int64(p.GridT) || g[1] != int64(p.GridH) || g[2] != int64(p.GridW) {
				t.Errorf("grid [%d %d %d]; golden %v", p.GridT, p.GridH, p.GridW, g)
			}
		})
	}
}
