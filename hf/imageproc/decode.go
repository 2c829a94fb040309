package imageproc

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"

	"golang.org/x/image/webp"
)

// MaxImagePixels is the largest image, in pixels, Decode accepts: twice
// PIL's Image.MAX_IMAGE_PIXELS (89,478,485), the size above which PIL raises
// DecompressionBombError, so transformers could not load it either. The
// check reads only the header, so a small file that claims a huge image
// cannot exhaust memory.
const MaxImagePixels = 2 * 89478485

// MaxFileBytes is the largest image file Decode reads (1 GiB).
const MaxFileBytes = 1 << 30

// DecodeFile reads an image file and returns it as RGB, EXIF orientation
// applied; see Decode.
func DecodeFile(path string) (*RGB, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read image %q: %w", path, err)
	}
	defer f.Close()
	return Decode(f, path)
}

// Decode reads a PNG, JPEG, GIF (first frame) or WebP image from r,
// applies its EXIF orientation (JPEG APP1 Exif, PNG eXIf, WebP EXIF) as
// PIL's ImageOps.exif_transpose does, and converts it to RGB as PIL's
// Image.convert("RGB") does. name identifies the image in errors, which wrap
// ErrNotImage, ErrCorruptImage, ErrEmptyImage or ErrTooLarge.
func Decode(r io.Reader, name string) (*RGB, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read image %q: %w", name, err)
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("image %q: %w: file larger than %d bytes", name, ErrTooLarge, MaxFileBytes)
	}
	return decodeBytes(data, name)
}

// decoder holds one format's header and pixel decoders.
type decoder struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

// decoderFor returns the decoders of format f.
func decoderFor(f format) (decoder, bool) {
	switch f {
	case formatPNG:
		return decoder{png.DecodeConfig, png.Decode}, true
	case formatJPEG:
		return decoder{jpeg.DecodeConfig, jpeg.Decode}, true
	case formatGIF:
		return decoder{gif.DecodeConfig, gif.Decode}, true
	case formatWebP:
		return decoder{webp.DecodeConfig, webp.Decode}, true
	}
	return decoder{}, false
}

func decodeBytes(data []byte, name string) (*RGB, error) {
	f := sniff(data)
	dec, ok := decoderFor(f)
	if !ok {
		return nil, fmt.Errorf("image %q: %w", name, ErrNotImage)
	}
	var (
		exif    []byte
		pngInfo pngHeader
	)
	switch f {
	case formatPNG:
		pngInfo = scanPNG(data)
		exif = pngInfo.exif
		if pngInfo.hasIHDR && (pngInfo.width == 0 || pngInfo.height == 0) {
			return nil, fmt.Errorf("image %q: %w: PNG header says %d×%d", name, ErrEmptyImage, pngInfo.width, pngInfo.height)
		}
	case formatJPEG:
		exif = scanJPEG(data)
	case formatWebP:
		exif = scanWebP(data)
	}
	cfg, err := dec.config(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("image %q: %w: %v", name, ErrCorruptImage, err)
	}
	if err := checkSize(cfg.Width, cfg.Height); err != nil {
		return nil, fmt.Errorf("image %q: %w", name, err)
	}
	img, err := dec.decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("image %q: %w: %v", name, ErrCorruptImage, err)
	}
	if img.Bounds().Empty() {
		return nil, fmt.Errorf("image %q: %w: decoded %v", name, ErrEmptyImage, img.Bounds())
	}
	var rgb *RGB
	switch f {
	case formatPNG:
		rgb = fromImage(img, pngInfo.colorType == 0 && pngInfo.bitDepth == 16)
		if m := pngInfo.mode(); m != "" {
			rgb.Mode = m
		}
	case formatGIF:
		rgb = onScreen(fromImage(img, false), img.Bounds(), cfg.Width, cfg.Height)
	default:
		rgb = fromImage(img, false)
	}
	return Orient(rgb, exifOrientation(exif)), nil
}

// checkSize refuses empty images and images above MaxImagePixels.
func checkSize(w, h int) error {
	switch {
	case w <= 0 || h <= 0:
		return fmt.Errorf("%w: header says %d×%d", ErrEmptyImage, w, h)
	case uint64(w)*uint64(h) > MaxImagePixels:
		return fmt.Errorf("%w: %d×%d is %d pixels, above the limit of %d", ErrTooLarge, w, h, uint64(w)*uint64(h), uint64(MaxImagePixels))
	}
	return nil
}

// onScreen places a GIF frame with bounds r on a black w×h canvas (the
// GIF's logical screen), or returns it unchanged when it fills the screen.
func onScreen(frame *RGB, r image.Rectangle, w, h int) *RGB {
	if r == image.Rect(0, 0, w, h) || w <= 0 || h <= 0 {
		return frame
	}
	canvas := NewRGB(w, h)
	canvas.Mode = frame.Mode
	visible := r.Intersect(image.Rect(0, 0, w, h))
	for y := visible.Min.Y; y < visible.Max.Y; y++ {
		src := 3 * ((y-r.Min.Y)*frame.W + visible.Min.X - r.Min.X)
		dst := 3 * (y*w + visible.Min.X)
		copy(canvas.Pix[dst:dst+3*visible.Dx()], frame.Pix[src:])
	}
	return canvas
}
