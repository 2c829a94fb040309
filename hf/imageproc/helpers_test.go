package imageproc

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/internal/golden"
)

// goldenDir is the repository's golden data (testdata/golden).
func goldenDir(t testing.TB) string { return golden.Dir(t) }

// sha256Hex is the hex SHA-256 of b.
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// readJSONFile decodes a JSON file into v.
func readJSONFile(t testing.TB, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
}

// float32Bytes is v as little-endian float32 bytes.
func float32Bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// writeFile writes b to name in a fresh temporary directory and returns
// the path.
func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// encodePNG encodes img with Go's PNG encoder.
func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// patternRGB returns a w×h image whose bytes follow a fixed, non-repeating
// pattern, for tests that need varied content.
func patternRGB(w, h int) *RGB {
	m := NewRGB(w, h)
	for i := range m.Pix {
		m.Pix[i] = uint8((i*37 + (i/3)*11 + (i/(3*w))*53) % 256)
	}
	return m
}

// pngChunk returns one PNG chunk: length, type, data, CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// rawPNG builds a PNG by hand, so tests can use colour types and bit
// depths Go's encoder never writes: rows are the unfiltered scanlines
// (filter byte 0 is added), extra chunks go between IHDR and IDAT.
func rawPNG(t *testing.T, w, h int, depth, colorType byte, rows [][]byte, extra ...[]byte) []byte {
	t.Helper()
	var raw bytes.Buffer
	for _, r := range rows {
		raw.WriteByte(0)
		raw.Write(r)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write(raw.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, depth, colorType, 0, 0, 0)
	b := append([]byte(pngSignature), pngChunk("IHDR", ihdr)...)
	for _, c := range extra {
		b = append(b, c...)
	}
	b = append(b, pngChunk("IDAT", z.Bytes())...)
	return append(b, pngChunk("IEND", nil)...)
}

// insertAfterIHDR inserts a chunk right after a PNG's IHDR chunk.
func insertAfterIHDR(png, chunk []byte) []byte {
	at := len(pngSignature) + 8 + 13 + 4
	out := append([]byte(nil), png[:at]...)
	out = append(out, chunk...)
	return append(out, png[at:]...)
}

// be16 returns the values as big-endian 16-bit samples.
func be16(v ...uint16) []byte {
	var b []byte
	for _, x := range v {
		b = binary.BigEndian.AppendUint16(b, x)
	}
	return b
}

// byteOrder is a TIFF byte order that can also append.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// tiffWithOrientation returns minimal TIFF data whose IFD0 holds a dummy
// tag and the Orientation tag with the given type, count and inline value.
func tiffWithOrientation(bo byteOrder, typ uint16, count uint32, value uint32) []byte {
	b := []byte("II")
	if bo == binary.BigEndian {
		b = []byte("MM")
	}
	b = bo.AppendUint16(b, 42)
	b = bo.AppendUint32(b, 8)                   // IFD0 right after the header
	b = bo.AppendUint16(b, 2)                   // two entries
	b = appendTIFFEntry(b, bo, 0x0100, 3, 1, 7) // ImageWidth, before the tag we want
	b = appendTIFFEntry(b, bo, tagOrientation, typ, count, value)
	return bo.AppendUint32(b, 0) // no next IFD
}

// appendTIFFEntry appends a 12-byte IFD entry with an inline value.
func appendTIFFEntry(b []byte, bo byteOrder, tag, typ uint16, count, value uint32) []byte {
	b = bo.AppendUint16(b, tag)
	b = bo.AppendUint16(b, typ)
	b = bo.AppendUint32(b, count)
	field := make([]byte, 4)
	switch typ {
	case 3, 8:
		bo.PutUint16(field, uint16(value))
	case 1, 6, 7:
		field[0] = byte(value)
	default:
		bo.PutUint32(field, value)
	}
	return append(b, field...)
}

// withJPEGExif inserts an APP1 Exif segment holding tiff after a JPEG's SOI.
func withJPEGExif(jpg, tiff []byte) []byte {
	payload := append([]byte(exifPrefix), tiff...)
	seg := []byte{0xFF, 0xE1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte(nil), jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// bitWriter writes the least-significant-bit-first bit stream of WebP
// lossless (VP8L).
type bitWriter struct {
	buf []byte
	n   uint
}

func (w *bitWriter) write(v uint32, bits uint) {
	for i := uint(0); i < bits; i++ {
		if w.n%8 == 0 {
			w.buf = append(w.buf, 0)
		}
		if v>>i&1 == 1 {
			w.buf[len(w.buf)-1] |= 1 << (w.n % 8)
		}
		w.n++
	}
}

// uniformVP8L returns a VP8L bit stream for a w×h image of one colour:
// no transforms, no colour cache, and five one-symbol prefix codes, so the
// pixels take no bits at all.
func uniformVP8L(w, h int, r, g, b, a uint8) []byte {
	var bw bitWriter
	bw.write(0x2f, 8)
	bw.write(uint32(w-1), 14)
	bw.write(uint32(h-1), 14)
	bw.write(0, 1) // alpha_is_used
	bw.write(0, 3) // version
	bw.write(0, 1) // no transform
	bw.write(0, 1) // no colour cache
	bw.write(0, 1) // no meta prefix codes
	for _, sym := range []uint8{g, r, b, a} {
		bw.write(1, 1) // simple code
		bw.write(0, 1) // one symbol
		bw.write(1, 1) // 8-bit symbol
		bw.write(uint32(sym), 8)
	}
	bw.write(1, 1) // distance code: simple, one 1-bit symbol 0
	bw.write(0, 1)
	bw.write(0, 1)
	bw.write(0, 1)
	return bw.buf
}

// riffChunk returns a RIFF chunk, padded to an even size.
func riffChunk(fourcc string, data []byte) []byte {
	b := append([]byte(fourcc), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// webpFile wraps chunks into a RIFF WEBP file.
func webpFile(chunks ...[]byte) []byte {
	var body []byte
	for _, c := range chunks {
		body = append(body, c...)
	}
	b := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(body)))...)
	b = append(b, "WEBP"...)
	return append(b, body...)
}

// vp8xChunk is the extended-format header chunk with the EXIF flag set.
func vp8xChunk(w, h int) []byte {
	d := []byte{0x08, 0, 0, 0}
	d = append(d, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	d = append(d, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	return riffChunk("VP8X", d)
}
