package imageproc

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// TestExifOrientation checks the TIFF reader on well-formed tags of every
// integer type and both byte orders, and on malformed data, which must read
// as 1 without panicking.
func TestExifOrientation(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	valid := tiffWithOrientation(le, 3, 1, 6)
	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"little-endian SHORT", valid, 6},
		{"big-endian SHORT", tiffWithOrientation(be, 3, 1, 8), 8},
		{"LONG", tiffWithOrientation(be, 4, 1, 3), 3},
		{"BYTE", tiffWithOrientation(le, 1, 1, 5), 5},
		{"SSHORT", tiffWithOrientation(le, 8, 1, 2), 2},
		{"value 1", tiffWithOrientation(le, 3, 1, 1), 1},
		{"value 0 is unknown", tiffWithOrientation(le, 3, 1, 0), 1},
		{"value 9 is unknown", tiffWithOrientation(le, 3, 1, 9), 1},
		{"two values", tiffWithOrientation(le, 3, 2, 6), 1},
		{"RATIONAL type", tiffWithOrientation(le, 5, 1, 6), 1},
		{"empty", nil, 1},
		{"garbage", []byte("this is not TIFF at all"), 1},
		{"bad magic", append([]byte("II\x2b\x00"), valid[4:]...), 1},
		{"IFD offset past the end", append(append([]byte(nil), valid[:4]...), 0xff, 0xff, 0xff, 0x7f), 1},
		{"truncated entry", valid[:len(valid)-10], 1},
		{"huge entry count", append(append(append([]byte(nil), valid[:8]...), 0xff, 0xff), valid[10:]...), 6},
		{"huge entry count, truncated", append(append([]byte(nil), valid[:8]...), 0xff, 0xff, 1, 2, 3), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := exifOrientation(tc.data); got != tc.want {
				t.Errorf("exifOrientation = %d; want %d", got, tc.want)
			}
		})
	}
}

// orientationLayout is the 3×2 test image
//
//	a b c
//	d e f
//
// as PIL's exif_transpose shows it for orientation o, written out by hand
// (rows top to bottom).
func orientationLayout(o int) []string {
	return map[int][]string{
		1: {"abc", "def"},
		2: {"cba", "fed"},
		3: {"fed", "cba"},
		4: {"def", "abc"},
		5: {"ad", "be", "cf"},
		6: {"da", "eb", "fc"},
		7: {"fc", "eb", "da"},
		8: {"cf", "be", "ad"},
	}[o]
}

// letterColor gives each letter of orientationLayout a distinct colour.
func letterColor(l byte) [3]uint8 {
	i := l - 'a'
	return [3]uint8{10 + 40*i, 250 - 30*i, 7 * (i + 1)}
}

func letterImage() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	for y, row := range orientationLayout(1) {
		for x := range row {
			c := letterColor(row[x])
			img.SetNRGBA(x, y, color.NRGBA{c[0], c[1], c[2], 255})
		}
	}
	return img
}

// checkLetters compares a decoded image with a letter layout, allowing
// tol levels per byte.
func checkLetters(t *testing.T, got *RGB, rows []string, tol int) {
	t.Helper()
	if got.H != len(rows) || got.W != len(rows[0]) {
		t.Fatalf("size %d×%d; want %d×%d", got.W, got.H, len(rows[0]), len(rows))
	}
	for y, row := range rows {
		for x := range row {
			want := letterColor(row[x])
			for c := range 3 {
				if d := int(got.Pix[3*(y*got.W+x)+c]) - int(want[c]); d > tol || d < -tol {
					t.Fatalf("pixel (%d,%d) is %v; want %q %v", x, y, got.Pix[3*(y*got.W+x):3*(y*got.W+x)+3], row[x], want)
				}
			}
		}
	}
}

// TestOrientationPNG applies all eight orientations from a PNG eXIf chunk,
// with and without the "Exif\0\0" prefix and after the image data, exactly.
// (Pillow 9.4.0's exif_transpose gave identical bytes on the same layouts.)
func TestOrientationPNG(t *testing.T) {
	base := encodePNG(t, letterImage())
	for o := 1; o <= 8; o++ {
		tiff := tiffWithOrientation(binary.BigEndian, 3, 1, uint32(o))
		variants := map[string][]byte{
			"eXIf":             insertAfterIHDR(base, pngChunk("eXIf", tiff)),
			"eXIf with prefix": insertAfterIHDR(base, pngChunk("eXIf", append([]byte(exifPrefix), tiff...))),
			"eXIf after IDAT":  append(append(append([]byte(nil), base[:len(base)-12]...), pngChunk("eXIf", tiff)...), base[len(base)-12:]...),
		}
		for name, file := range variants {
			t.Run(fmt.Sprintf("%d/%s", o, name), func(t *testing.T) {
				got, err := Decode(bytes.NewReader(file), "oriented.png")
				if err != nil {
					t.Fatal(err)
				}
				checkLetters(t, got, orientationLayout(o), 0)
			})
		}
	}
}

// TestOrientationJPEG applies all eight orientations from a JPEG APP1 Exif
// segment. The letters are 8×8 blocks, since JPEG is lossy, and the check
// allows 12 levels: Go's decoder is not libjpeg-turbo (see the package
// documentation), so JPEG pixels are never compared exactly.
func TestOrientationJPEG(t *testing.T) {
	const block = 8
	src := image.NewRGBA(image.Rect(0, 0, 3*block, 2*block))
	for y, row := range orientationLayout(1) {
		for x := range row {
			c := letterColor(row[x])
			for dy := range block {
				for dx := range block {
					src.Set(x*block+dx, y*block+dy, color.RGBA{c[0], c[1], c[2], 255})
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	for o := 1; o <= 8; o++ {
		t.Run(fmt.Sprint(o), func(t *testing.T) {
			file := withJPEGExif(buf.Bytes(), tiffWithOrientation(binary.LittleEndian, 3, 1, uint32(o)))
			got, err := Decode(bytes.NewReader(file), "oriented.jpg")
			if err != nil {
				t.Fatal(err)
			}
			centres := NewRGB(got.W/block, got.H/block)
			for y := range centres.H {
				for x := range centres.W {
					s := 3 * ((y*block+block/2)*got.W + x*block + block/2)
					copy(centres.Pix[3*(y*centres.W+x):], got.Pix[s:s+3])
				}
			}
			checkLetters(t, centres, orientationLayout(o), 12)
		})
	}
}

// TestOrientationWebP reads the orientation from a WebP EXIF chunk: a
// 5×3 image with orientation 6 comes out 3×5.
func TestOrientationWebP(t *testing.T) {
	tiff := tiffWithOrientation(binary.LittleEndian, 3, 1, 6)
	file := webpFile(vp8xChunk(5, 3), riffChunk("VP8L", uniformVP8L(5, 3, 200, 100, 50, 255)), riffChunk("EXIF", tiff))
	got, err := Decode(bytes.NewReader(file), "oriented.webp")
	if err != nil {
		t.Fatal(err)
	}
	if got.W != 3 || got.H != 5 {
		t.Errorf("size %d×%d; want 3×5", got.W, got.H)
	}
	if !bytes.Equal(got.Pix[:3], []byte{200, 100, 50}) {
		t.Errorf("colour %v; want [200 100 50]", got.Pix[:3])
	}
}

// TestOrientUnknownValues leaves the image alone for values outside 2..8.
func TestOrientUnknownValues(t *testing.T) {
	m := patternRGB(3, 2)
	for _, o := range []int{-1, 0, 1, 9, 1000} {
		if got := Orient(m, o); got != m {
			t.Errorf("Orient(%d) changed the image", o)
		}
	}
}
