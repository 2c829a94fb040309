package imageproc

import (
	"bytes"
	"encoding/binary"
)

// format is an image file format recognised by its signature.
type format int

const (
	formatUnknown format = iota
	formatPNG
	formatJPEG
	formatGIF
	formatWebP
)

const (
	pngSignature = "\x89PNG\r\n\x1a\n"
	exifPrefix   = "Exif\x00\x00"
)

// sniff recognises a file's format from its first bytes.
func sniff(b []byte) format {
	switch {
	case bytes.HasPrefix(b, []byte(pngSignature)):
		return formatPNG
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return formatJPEG
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return formatGIF
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return formatWebP
	}
	return formatUnknown
}

// pngHeader is what this package reads from a PNG's chunks besides the
// pixels: the IHDR fields and the eXIf payload.
type pngHeader struct {
	hasIHDR             bool
	width, height       uint32
	bitDepth, colorType uint8
	exif                []byte // TIFF data, the "Exif\0\0" prefix removed
}

// mode is PIL's name for the image mode a PNG opens in.
func (h pngHeader) mode() string {
	switch h.colorType {
	case 0:
		switch h.bitDepth {
		case 1:
			return "1"
		case 16:
			return "I;16" // Pillow ≤ 9 says "I"; the conversion is the same
		}
		return "L"
	case 2:
		return "RGB"
	case 3:
		return "P"
	case 4:
		if h.bitDepth == 16 {
			return "RGBA" // Pillow opens 16-bit LA as RGBA
		}
		return "LA"
	case 6:
		return "RGBA"
	}
	return ""
}

// scanPNG walks a PNG's chunks for IHDR and eXIf. It never fails: a broken
// chunk structure ends the walk, and the decoder reports the damage.
func scanPNG(b []byte) pngHeader {
	var h pngHeader
	pos := len(pngSignature)
	for pos+8 <= len(b) {
		n := int(binary.BigEndian.Uint32(b[pos:]))
		typ := string(b[pos+4 : pos+8])
		start := pos + 8
		if n < 0 || n > len(b)-start {
			break
		}
		data := b[start : start+n]
		switch typ {
		case "IHDR":
			if n >= 13 {
				h.hasIHDR = true
				h.width = binary.BigEndian.Uint32(data[0:])
				h.height = binary.BigEndian.Uint32(data[4:])
				h.bitDepth, h.colorType = data[8], data[9]
			}
		case "eXIf":
			if h.exif == nil {
				h.exif = bytes.TrimPrefix(data, []byte(exifPrefix))
			}
		case "IEND":
			return h
		}
		pos = start + n + 4 // skip the CRC
	}
	return h
}

// scanJPEG returns the TIFF data of a JPEG's first APP1 Exif segment, or
// nil. It reads the marker segments before the first scan.
func scanJPEG(b []byte) []byte {
	pos := 2 // after SOI
	for pos+4 <= len(b) {
		if b[pos] != 0xFF {
			return nil
		}
		marker := b[pos+1]
		switch {
		case marker == 0xFF: // fill byte
			pos++
			continue
		case marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			pos += 2
			continue
		case marker == 0xDA || marker == 0xD9: // start of scan, end of image
			return nil
		}
		n := int(binary.BigEndian.Uint16(b[pos+2:]))
		if n < 2 || pos+2+n > len(b) {
			return nil
		}
		seg := b[pos+4 : pos+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte(exifPrefix)) {
			return seg[len(exifPrefix):]
		}
		pos += 2 + n
	}
	return nil
}

// scanWebP returns the TIFF data of a WebP's EXIF chunk, or nil.
func scanWebP(b []byte) []byte {
	pos := 12 // after "RIFF", size, "WEBP"
	for pos+8 <= len(b) {
		fourcc := string(b[pos : pos+4])
		n := int(binary.LittleEndian.Uint32(b[pos+4:]))
		start := pos + 8
		if n < 0 || n > len(b)-start {
			return nil
		}
		if fourcc == "EXIF" {
			return bytes.TrimPrefix(b[start:start+n], []byte(exifPrefix))
		}
		pos = start + n + n&1 // chunks are padded to an even size
	}
	return nil
}
