package imageproc

import (
	"image"
	"image/color"
)

// RGB is an 8-bit RGB image, rows top to bottom, each pixel's R, G, B
// bytes interleaved (HWC): pixel (x, y) starts at Pix[3·(y·W+x)].
type RGB struct {
	W, H int
	Pix  []uint8
	// Mode is PIL's name for the source's mode before conversion to RGB
	// ("RGB", "RGBA", "L", "LA", "P", "I;16", "1", "CMYK"); empty when
	// unknown.
	Mode string
}

// NewRGB returns a black w×h image.
func NewRGB(w, h int) *RGB {
	return &RGB{W: w, H: h, Pix: make([]uint8, 3*w*h), Mode: "RGB"}
}

// Clone returns a deep copy of m.
func (m *RGB) Clone() *RGB {
	c := *m
	c.Pix = append([]uint8(nil), m.Pix...)
	return &c
}

// FromImage converts img to RGB as PIL's Image.convert("RGB") does: alpha
// is dropped without compositing, grey is replicated, palettes are looked
// up, 16-bit RGB(A) samples keep their high byte and 16-bit grey is clipped
// to 255. An *image.RGBA is premultiplied, so translucent pixels in one come
// out darkened; decoders return *image.NRGBA for such images.
func FromImage(img image.Image) *RGB {
	return fromImage(img, false)
}

// fromImage is FromImage; gray16 says the source was a 16-bit grey PNG
// (with a tRNS chunk Go decodes it as *image.NRGBA64), whose samples Pillow
// clips instead of taking their high byte.
func fromImage(img image.Image, gray16 bool) *RGB {
	b := img.Bounds()
	out := NewRGB(b.Dx(), b.Dy())
	out.Mode = modeOf(img)
	pix := out.Pix
	i := 0
	put := func(r, g, bl uint8) {
		pix[i], pix[i+1], pix[i+2] = r, g, bl
		i += 3
	}
	switch src := img.(type) {
	case *image.NRGBA:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				put(row[4*x], row[4*x+1], row[4*x+2])
			}
		}
	case *image.RGBA:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				put(row[4*x], row[4*x+1], row[4*x+2])
			}
		}
	case *image.NRGBA64:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				p := row[8*x:]
				if gray16 {
					v := clip16(p[0], p[1])
					put(v, v, v)
				} else {
					put(p[0], p[2], p[4])
				}
			}
		}
	case *image.RGBA64:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				put(row[8*x], row[8*x+2], row[8*x+4])
			}
		}
	case *image.Gray:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				put(row[x], row[x], row[x])
			}
		}
	case *image.Gray16:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				v := clip16(row[2*x], row[2*x+1])
				put(v, v, v)
			}
		}
	case *image.Paletted:
		table := paletteTable(src.Palette)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				c := table[row[x]]
				put(c[0], c[1], c[2])
			}
		}
	case *image.YCbCr:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				yi, ci := src.YOffset(x, y), src.COffset(x, y)
				put(color.YCbCrToRGB(src.Y[yi], src.Cb[ci], src.Cr[ci]))
			}
		}
	case *image.NYCbCrA:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				yi, ci := src.YOffset(x, y), src.COffset(x, y)
				put(color.YCbCrToRGB(src.Y[yi], src.Cb[ci], src.Cr[ci]))
			}
		}
	case *image.CMYK:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				p := row[4*x:]
				put(color.CMYKToRGB(p[0], p[1], p[2], p[3]))
			}
		}
	default:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
				put(c.R, c.G, c.B)
			}
		}
	}
	return out
}

// clip16 is Pillow's 16-bit grey → 8-bit rule: values above 255 become
// 255 (hi and lo are the big-endian bytes of the sample).
func clip16(hi, lo uint8) uint8 {
	if hi != 0 {
		return 255
	}
	return lo
}

// paletteTable expands a palette to 256 non-premultiplied RGB entries;
// indices beyond the palette read as black.
func paletteTable(p color.Palette) [256][3]uint8 {
	var t [256][3]uint8
	for i, c := range p {
		if i >= len(t) {
			break
		}
		n := color.NRGBAModel.Convert(c).(color.NRGBA)
		t[i] = [3]uint8{n.R, n.G, n.B}
	}
	return t
}

// modeOf guesses PIL's mode name from a decoded image's type.
func modeOf(img image.Image) string {
	switch img.(type) {
	case *image.Gray:
		return "L"
	case *image.Gray16:
		return "I;16"
	case *image.Paletted:
		return "P"
	case *image.CMYK:
		return "CMYK"
	case *image.RGBA, *image.RGBA64, *image.YCbCr:
		return "RGB"
	default:
		return "RGBA"
	}
}
