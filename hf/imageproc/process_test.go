package imageproc

import (
	"errors"
	"image"
	"image/color"
	"strings"
	"testing"
)

// rawBytesConfig returns a config that leaves the pixel bytes as they are
// (no rescale, no normalize), so tests can read the patch layout directly.
func rawBytesConfig(patch, merge, temporal int) Config {
	c := DefaultConfig()
	c.PatchSize, c.MergeSize, c.TemporalPatchSize = patch, merge, temporal
	c.DoRescale, c.DoNormalize = false, false
	c.MinPixels, c.MaxPixels = 0, 1<<30
	c.Source = "test"
	return c
}

// TestProcessPatchOrder checks the flattening against a separately
// written mapping: every source byte (x, y, c) must appear in row
// ((t·gh/m + y/p/m)·gw/m + x/p/m)·m² + (y/p mod m)·m + x/p mod m and column
// ((c·T + frame)·p + y mod p)·p + x mod p, for every frame.
func TestProcessPatchOrder(t *testing.T) {
	tests := []struct {
		name                   string
		w, h, patch, merge, tp int
	}{
		{"qwen3-like", 64, 32, 4, 2, 2},
		{"qwen2-like", 56, 84, 7, 2, 2},
		{"merge 1, three frames", 12, 6, 3, 1, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img := patternRGB(tc.w, tc.h)
			cfg := rawBytesConfig(tc.patch, tc.merge, tc.tp)
			got, err := Process(img, cfg)
			if err != nil {
				t.Fatal(err)
			}
			p, m := tc.patch, tc.merge
			gh, gw := tc.h/p, tc.w/p
			if got.GridT != 1 || got.GridH != gh || got.GridW != gw || got.Rows != gh*gw || got.Cols != 3*tc.tp*p*p {
				t.Fatalf("grid %d×%d×%d, %d×%d values", got.GridT, got.GridH, got.GridW, got.Rows, got.Cols)
			}
			if got.NumTokens != gh*gw/(m*m) || got.ResizedW != tc.w || got.ResizedH != tc.h {
				t.Errorf("tokens %d, resized %d×%d", got.NumTokens, got.ResizedW, got.ResizedH)
			}
			for y := range tc.h {
				for x := range tc.w {
					py, px := y/p, x/p
					row := ((py/m)*(gw/m)+px/m)*m*m + (py%m)*m + px%m
					for c := range 3 {
						for frame := range tc.tp {
							col := ((c*tc.tp+frame)*p+y%p)*p + x%p
							if v, want := got.PixelValues[row*got.Cols+col], float32(img.Pix[3*(y*tc.w+x)+c]); v != want {
								t.Fatalf("(%d,%d) channel %d frame %d: row %d col %d holds %v; want %v", x, y, c, frame, row, col, v, want)
							}
						}
					}
				}
			}
		})
	}
}

// TestProcessNormalization checks the float32 arithmetic on bytes with
// known results: mean/std 0.5 maps 0 → −1, 255 → 1 exactly, and CLIP's
// values follow float32((float32(p/255) − mean) / std).
func TestProcessNormalization(t *testing.T) {
	img := NewRGB(4, 4)
	for i := range img.Pix {
		img.Pix[i] = []uint8{0, 255, 128}[i%3]
	}
	half := rawBytesConfig(2, 2, 2)
	half.DoRescale, half.DoNormalize = true, true
	half.Mean, half.Std = [3]float64{0.5, 0.5, 0.5}, [3]float64{0.5, 0.5, 0.5}
	got, err := Process(img, half)
	if err != nil {
		t.Fatal(err)
	}
	// Column blocks of 2·2·2 = 8 values per channel: R = 0, G = 255, B = 128.
	want128 := (float32(128.0/255.0) - 0.5) / 0.5
	for i, v := range got.PixelValues[:24] {
		want := []float32{-1, 1, want128}[i/8]
		if v != want {
			t.Fatalf("value %d = %v; want %v", i, v, want)
		}
	}
	clip := half
	clip.Mean, clip.Std = DefaultConfig().Mean, DefaultConfig().Std
	got, err = Process(img, clip)
	if err != nil {
		t.Fatal(err)
	}
	for c, p := range []uint8{0, 255, 128} {
		x := float32(float64(p) / 255)
		want := (x - float32(clip.Mean[c])) / float32(clip.Std[c])
		if v := got.PixelValues[8*c]; v != want {
			t.Errorf("channel %d: %v; want %v", c, v, want)
		}
	}
}

// TestProcessResizes runs the whole chain on a 20×20 image with the
// Qwen3-VL bounds: it must be upscaled to 256×256, a 16×16 grid, 64 tokens.
func TestProcessResizes(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{"size":{"shortest_edge":65536,"longest_edge":16777216},"patch_size":16,"image_mean":0.5,"image_std":0.5}`), "qwen3")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Process(patternRGB(20, 20), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got.ResizedW != 256 || got.ResizedH != 256 || got.GridH != 16 || got.GridW != 16 || got.NumTokens != 64 || got.Rows != 256 || got.Cols != 1536 {
		t.Errorf("got %+v", *got)
	}
}

// TestProcessErrors checks configs and images Process refuses.
func TestProcessErrors(t *testing.T) {
	noResize := rawBytesConfig(4, 2, 2)
	noResize.DoResize = false
	noRGB := rawBytesConfig(4, 2, 2)
	noRGB.DoConvertRGB = false
	gray := patternRGB(16, 16)
	gray.Mode = "L"
	bilinear := rawBytesConfig(4, 2, 2)
	bilinear.Resample = 2
	tests := []struct {
		name string
		img  *RGB
		cfg  Config
		want error
	}{
		{"no resize, size not a multiple", patternRGB(20, 16), noResize, ErrConfig},
		{"no RGB conversion of a grey image", gray, noRGB, ErrConfig},
		{"bilinear", patternRGB(16, 16), bilinear, ErrConfig},
		{"aspect ratio", patternRGB(402, 2), rawBytesConfig(4, 2, 2), ErrAspectRatio},
		{"nil image", nil, rawBytesConfig(4, 2, 2), ErrEmptyImage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Process(tc.img, tc.cfg); !errors.Is(err, tc.want) {
				t.Errorf("err = %v; want %v", err, tc.want)
			}
		})
	}
	ok, err := Process(patternRGB(16, 8), noResize)
	if err != nil || ok.ResizedW != 16 || ok.ResizedH != 8 {
		t.Errorf("no resize with a multiple size: %v, %+v", err, ok)
	}
}

// TestProcessFileNamesFile: errors after decoding (here smart_resize's
// aspect-ratio limit) name the file.
func TestProcessFileNamesFile(t *testing.T) {
	wide := image.NewGray(image.Rect(0, 0, 2010, 10))
	for i := range wide.Pix {
		wide.Pix[i] = 100
	}
	path := writeFile(t, "wide.png", encodePNG(t, wide))
	_, err := ProcessFile(path, DefaultConfig())
	if !errors.Is(err, ErrAspectRatio) || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "\n") {
		t.Errorf("err = %v; want ErrAspectRatio naming %s on one line", err, path)
	}
	tall := image.NewNRGBA(image.Rect(0, 0, 30, 40))
	for i := range tall.Pix {
		tall.Pix[i] = 200
	}
	tall.SetNRGBA(0, 0, color.NRGBA{1, 2, 3, 0})
	got, err := ProcessFile(writeFile(t, "tall.png", encodePNG(t, tall)), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if got.ResizedH != 84 || got.ResizedW != 56 || got.NumTokens != 6 {
		t.Errorf("got %d×%d with %d tokens; want 84×56 (h×w) with 6", got.ResizedH, got.ResizedW, got.NumTokens)
	}
}
