package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// committed is the PNG next to this generator.
const committed = "../house.png"

// TestCommittedImageIsUpToDate checks that house.png holds exactly the
// pixels render draws, so the committed file and its generator agree.
func TestCommittedImageIsUpToDate(t *testing.T) {
	data, err := os.ReadFile(committed)
	if err != nil {
		t.Fatalf("read the committed image: %v (regenerate with go run ./examples/images/gen)", err)
	}
	got, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode %s: %v", committed, err)
	}
	want := render()
	if got.Bounds() != want.Bounds() {
		t.Fatalf("%s is %v, render draws %v", committed, got.Bounds(), want.Bounds())
	}
	for y := range height {
		for x := range width {
			r, g, b, a := got.At(x, y).RGBA()
			w := want.RGBAAt(x, y)
			if uint8(r>>8) != w.R || uint8(g>>8) != w.G || uint8(b>>8) != w.B || a != 0xffff {
				t.Fatalf("%s pixel (%d,%d) = %v, render draws %v; regenerate with go run ./examples/images/gen", committed, x, y, got.At(x, y), w)
			}
		}
	}
}

// TestImageFormat checks what make demo relies on: an opaque RGB PNG of
// 256×192 (whole 32-pixel merged patches, so no resampling), small enough
// to commit.
func TestImageFormat(t *testing.T) {
	data, err := encode(render())
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 20<<10 {
		t.Errorf("encoded image is %d bytes, over 20 KiB", len(data))
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 256 || cfg.Height != 192 || cfg.Width%32 != 0 || cfg.Height%32 != 0 {
		t.Errorf("image is %d×%d, want 256×192", cfg.Width, cfg.Height)
	}
	// PNG colour type 2 (truecolour, no alpha) is byte 25 of the file.
	if data[25] != 2 {
		t.Errorf("PNG colour type %d, want 2 (RGB)", data[25])
	}
}

// TestRunWritesTheImage runs the command end to end into a temporary file.
func TestRunWritesTheImage(t *testing.T) {
	out := filepath.Join(t.TempDir(), "house.png")
	if err := run([]string{"-o", out}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, width, height) {
		t.Errorf("written image is %v", img.Bounds())
	}
	if err := run([]string{"-o", filepath.Join(t.TempDir(), "missing", "x.png")}); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
