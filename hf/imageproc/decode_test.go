package imageproc

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestDecodeModes checks the conversion of every PNG mode (and GIF and
// lossless WebP) to RGB against PIL's Image.convert("RGB") rules: alpha
// dropped without compositing, grey replicated, palette looked up with
// transparency ignored, 16-bit RGB(A) reduced to the high byte, 16-bit grey
// clipped to 255. These rules were checked byte for byte against Pillow
// 9.4.0 on files of each kind.
func TestDecodeModes(t *testing.T) {
	nrgba := image.NewNRGBA(image.Rect(0, 0, 3, 1))
	nrgba.SetNRGBA(0, 0, color.NRGBA{200, 100, 50, 0})
	nrgba.SetNRGBA(1, 0, color.NRGBA{1, 2, 3, 128})
	nrgba.SetNRGBA(2, 0, color.NRGBA{255, 254, 253, 255})
	gray := image.NewGray(image.Rect(0, 0, 2, 1))
	gray.Pix = []uint8{0, 77}
	rgb := image.NewRGBA(image.Rect(0, 0, 2, 1))
	rgb.Pix = []uint8{9, 8, 7, 255, 1, 2, 3, 255}
	plte := pngChunk("PLTE", []byte{10, 20, 30, 40, 50, 60, 70, 80, 90})
	palGIF := image.NewPaletted(image.Rect(0, 0, 3, 1), color.Palette{color.RGBA{1, 2, 3, 255}, color.RGBA{200, 150, 100, 255}})
	palGIF.Pix = []uint8{1, 0, 1}

	tests := []struct {
		name string
		file []byte
		mode string
		w, h int
		want []uint8
	}{
		{"RGB", encodePNG(t, rgb), "RGB", 2, 1, []uint8{9, 8, 7, 1, 2, 3}},
		{"RGBA drops alpha", encodePNG(t, nrgba), "RGBA", 3, 1, []uint8{200, 100, 50, 1, 2, 3, 255, 254, 253}},
		{"L", encodePNG(t, gray), "L", 2, 1, []uint8{0, 0, 0, 77, 77, 77}},
		{"L with tRNS", rawPNG(t, 2, 1, 8, 0, [][]byte{{5, 6}}, pngChunk("tRNS", be16(5))), "L", 2, 1, []uint8{5, 5, 5, 6, 6, 6}},
		{"LA", rawPNG(t, 2, 1, 8, 4, [][]byte{{33, 0, 44, 255}}), "LA", 2, 1, []uint8{33, 33, 33, 44, 44, 44}},
		{"P with tRNS", rawPNG(t, 3, 1, 8, 3, [][]byte{{2, 0, 1}}, plte, pngChunk("tRNS", []byte{0, 128})), "P", 3, 1, []uint8{70, 80, 90, 10, 20, 30, 40, 50, 60}},
		{"P 4-bit", rawPNG(t, 3, 1, 4, 3, [][]byte{{0x21, 0x00}}, plte), "P", 3, 1, []uint8{70, 80, 90, 40, 50, 60, 10, 20, 30}},
		{"1-bit", rawPNG(t, 3, 1, 1, 0, [][]byte{{0xA0}}), "1", 3, 1, []uint8{255, 255, 255, 0, 0, 0, 255, 255, 255}},
		{"2-bit grey", rawPNG(t, 4, 1, 2, 0, [][]byte{{0x1B}}), "L", 4, 1, []uint8{0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255}},
		{"16-bit grey clips", rawPNG(t, 4, 1, 16, 0, [][]byte{be16(1, 255, 256, 65535)}), "I;16", 4, 1, []uint8{1, 1, 1, 255, 255, 255, 255, 255, 255, 255, 255, 255}},
		{"16-bit grey with tRNS clips", rawPNG(t, 3, 1, 16, 0, [][]byte{be16(200, 300, 0x1234)}, pngChunk("tRNS", be16(200))), "I;16", 3, 1, []uint8{200, 200, 200, 255, 255, 255, 255, 255, 255}},
		{"16-bit RGB keeps the high byte", rawPNG(t, 1, 1, 16, 2, [][]byte{be16(0x12ff, 0x00ff, 0xff00)}), "RGB", 1, 1, []uint8{0x12, 0x00, 0xff}},
		{"16-bit RGB with tRNS", rawPNG(t, 1, 1, 16, 2, [][]byte{be16(0x12ff, 0x00ff, 0xff00)}, pngChunk("tRNS", be16(0x12ff, 0x00ff, 0xff00))), "RGB", 1, 1, []uint8{0x12, 0x00, 0xff}},
		{"16-bit RGBA drops alpha", rawPNG(t, 1, 1, 16, 6, [][]byte{be16(0xab01, 0xcd02, 0xef03, 0)}), "RGBA", 1, 1, []uint8{0xab, 0xcd, 0xef}},
		{"16-bit LA", rawPNG(t, 2, 1, 16, 4, [][]byte{be16(0x7f80, 0, 0x0101, 0xffff)}), "RGBA", 2, 1, []uint8{0x7f, 0x7f, 0x7f, 1, 1, 1}},
		{"GIF", encodeGIF(t, palGIF), "P", 3, 1, []uint8{200, 150, 100, 1, 2, 3, 200, 150, 100}},
		{"WebP lossless", webpFile(riffChunk("VP8L", uniformVP8L(2, 2, 9, 99, 199, 255))), "RGBA", 2, 2, []uint8{9, 99, 199, 9, 99, 199, 9, 99, 199, 9, 99, 199}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(bytes.NewReader(tc.file), tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if got.Mode != tc.mode || got.W != tc.w || got.H != tc.h {
				t.Errorf("got %s %d×%d; want %s %d×%d", got.Mode, got.W, got.H, tc.mode, tc.w, tc.h)
			}
			if !bytes.Equal(got.Pix, tc.want) {
				t.Errorf("pixels %v; want %v", got.Pix, tc.want)
			}
		})
	}
}

func encodeGIF(t *testing.T, img *image.Paletted) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDecodeGIFFrameOnScreen places a first frame smaller than the logical
// screen at its offset on a black canvas of the screen's size.
func TestDecodeGIFFrameOnScreen(t *testing.T) {
	frame := image.NewPaletted(image.Rect(2, 1, 4, 2), color.Palette{color.RGBA{250, 0, 0, 255}, color.RGBA{0, 250, 0, 255}})
	frame.Pix = []uint8{0, 1}
	var buf bytes.Buffer
	all := &gif.GIF{Image: []*image.Paletted{frame}, Delay: []int{0}, Config: image.Config{Width: 5, Height: 3, ColorModel: frame.Palette}}
	if err := gif.EncodeAll(&buf, all); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(&buf, "frame.gif")
	if err != nil {
		t.Fatal(err)
	}
	if got.W != 5 || got.H != 3 {
		t.Fatalf("size %d×%d; want the 5×3 screen", got.W, got.H)
	}
	want := make([]uint8, 3*5*3)
	copy(want[3*(1*5+2):], []uint8{250, 0, 0, 0, 250, 0})
	if !bytes.Equal(got.Pix, want) {
		t.Errorf("pixels %v; want %v", got.Pix, want)
	}
}

// TestDecodeJPEG decodes JPEGs approximately: Go's image/jpeg differs from
// libjpeg-turbo (Pillow's decoder) by a few levels on smooth content (a
// different IDCT, YCbCr→RGB rounding and no fancy chroma upsampling), so
// JPEG pixels are only compared with a tolerance, never exactly.
func TestDecodeJPEG(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 32, 16))
	for y := range 16 {
		for x := range 32 {
			src.Set(x, y, color.RGBA{uint8(4 * x), uint8(8 * y), 128, 255})
		}
	}
	gray := image.NewGray(src.Bounds())
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i % 200)
	}
	tests := []struct {
		name string
		img  image.Image
		mode string
		want func(x, y int) [3]int
	}{
		{"colour", src, "RGB", func(x, y int) [3]int { return [3]int{4 * x, 8 * y, 128} }},
		{"grey", gray, "L", func(x, y int) [3]int { v := (y*32 + x) % 200; return [3]int{v, v, v} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, tc.img, &jpeg.Options{Quality: 100}); err != nil {
				t.Fatal(err)
			}
			got, err := Decode(&buf, tc.name+".jpg")
			if err != nil {
				t.Fatal(err)
			}
			if got.Mode != tc.mode || got.W != 32 || got.H != 16 {
				t.Fatalf("got %s %d×%d", got.Mode, got.W, got.H)
			}
			for y := range 16 {
				for x := range 32 {
					want := tc.want(x, y)
					for c := range 3 {
						if d := int(got.Pix[3*(y*32+x)+c]) - want[c]; d > 8 || d < -8 {
							t.Fatalf("pixel (%d,%d) channel %d is %d; want %d ± 8", x, y, c, got.Pix[3*(y*32+x)+c], want[c])
						}
					}
				}
			}
		})
	}
}

// TestDecodeErrors checks the refused files: each error wraps its sentinel
// and names the file on one line.
func TestDecodeErrors(t *testing.T) {
	good := encodePNG(t, image.NewGray(image.Rect(0, 0, 4, 4)))
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 16, 16)), nil); err != nil {
		t.Fatal(err)
	}
	badCRC := append([]byte(nil), good...)
	badCRC[len(pngSignature)+8+13] ^= 0xff
	tests := []struct {
		name string
		file []byte
		want error
	}{
		{"text", []byte("hello, I am not an image\n"), ErrNotImage},
		{"empty file", nil, ErrNotImage},
		{"BMP", []byte("BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00"), ErrNotImage},
		{"0x0 PNG", rawPNG(t, 0, 0, 8, 2, nil), ErrEmptyImage},
		{"0x5 PNG", rawPNG(t, 0, 5, 8, 2, nil), ErrEmptyImage},
		{"0x0 GIF", []byte("GIF89a\x00\x00\x00\x00\x00\x00\x00;"), ErrEmptyImage},
		{"truncated PNG", good[:len(good)-20], ErrCorruptImage},
		{"PNG signature only", []byte(pngSignature), ErrCorruptImage},
		{"PNG with a bad CRC", badCRC, ErrCorruptImage},
		{"truncated JPEG", jpg.Bytes()[:len(jpg.Bytes())/2], ErrCorruptImage},
		{"WebP without image chunk", webpFile(riffChunk("EXIF", []byte("x"))), ErrCorruptImage},
		{"decompression bomb", rawPNG(t, 20000, 20000, 8, 2, nil), ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "input.bin", tc.file)
			_, err := DecodeFile(path)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v; want %v", err, tc.want)
			}
			if msg := err.Error(); !strings.Contains(msg, path) || strings.Contains(msg, "\n") {
				t.Errorf("message %q should name %s on one line", msg, path)
			}
		})
	}
}

// TestDecodeFileMissing reports a missing file with fs.ErrNotExist.
func TestDecodeFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.png")
	if _, err := DecodeFile(path); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v; want a not-exist error naming the file", err)
	}
}

// FuzzDecode feeds arbitrary bytes (seeded with small valid files) to the
// decoder: it must never panic, and whatever it accepts must be a
// consistent, non-empty RGB image.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(pngSignature))
	f.Add(append([]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00"), tiffWithOrientationSeed()...))
	f.Add(webpFile(riffChunk("VP8L", uniformVP8L(3, 2, 1, 2, 3, 4)), riffChunk("EXIF", tiffWithOrientationSeed())))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		if img.W <= 0 || img.H <= 0 || len(img.Pix) != 3*img.W*img.H {
			t.Fatalf("inconsistent image %d×%d with %d bytes", img.W, img.H, len(img.Pix))
		}
	})
}

func tiffWithOrientationSeed() []byte {
	return []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00")
}
