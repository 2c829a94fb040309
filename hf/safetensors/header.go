package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"unicode/utf8"
)

// MaxHeaderLen is the largest JSON header this package accepts, in bytes.
// Real checkpoints stay far below it (a few MiB for thousands of tensors);
// a larger length prefix means the file is corrupt.
const MaxHeaderLen = 100 << 20

// metadataKey is the header entry that holds the file's string metadata.
const metadataKey = "__metadata__"

// entry is one tensor's validated header record. begin and end are byte
// offsets into the data buffer.
type entry struct {
	dtype      DType
	shape      []int64
	begin, end int64
}

// header is a file's validated header.
type header struct {
	tensors  map[string]entry
	metadata map[string]string
}

// rawEntry is one tensor's record as written in the JSON header; nil
// pointers are absent fields. Field names match exactly, as in the
// reference implementation (encoding/json alone would also take "DType").
type rawEntry struct {
	DType       *string
	Shape       *[]int64
	DataOffsets *[]int64
}

// decodeRawEntry decodes one tensor record, matching keys exactly and
// ignoring unknown ones.
func decodeRawEntry(dec *json.Decoder) (rawEntry, error) {
	var fields map[string]json.RawMessage
	if err := dec.Decode(&fields); err != nil {
		return rawEntry{}, err
	}
	if fields == nil {
		return rawEntry{}, errors.New("record is null")
	}
	var re rawEntry
	for key, dst := range map[string]any{"dtype": &re.DType, "shape": &re.Shape, "data_offsets": &re.DataOffsets} {
		if v, ok := fields[key]; ok {
			if err := json.Unmarshal(v, dst); err != nil {
				return rawEntry{}, fmt.Errorf("%s: %w", key, err)
			}
		}
	}
	return re, nil
}

// splitFile checks the framing of a whole file and returns its JSON header
// and its data buffer, both views into b.
func splitFile(b []byte) (hdr, data []byte, err error) {
	if len(b) < 8 {
		return nil, nil, fmt.Errorf("file is %d bytes, shorter than the 8-byte header length: %w", len(b), ErrCorrupt)
	}
	n := binary.LittleEndian.Uint64(b[:8])
	if n > MaxHeaderLen {
		return nil, nil, fmt.Errorf("header length %d exceeds the %d-byte limit: %w", n, MaxHeaderLen, ErrCorrupt)
	}
	if n > uint64(len(b)-8) {
		return nil, nil, fmt.Errorf("header length %d runs past the end of the %d-byte file: %w", n, len(b), ErrCorrupt)
	}
	return b[8 : 8+n], b[8+n:], nil
}

// parseHeader decodes and validates a JSON header for a data buffer of
// dataLen bytes.
func parseHeader(raw []byte, dataLen int64) (*header, error) {
	if dataLen < 0 {
		return nil, fmt.Errorf("negative data length %d: %w", dataLen, ErrCorrupt)
	}
	if !utf8.Valid(raw) {
		return nil, fmt.Errorf("header is not valid UTF-8: %w", ErrCorrupt)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("header is not a JSON object: %w", ErrCorrupt)
	}
	h := &header{tensors: map[string]entry{}, metadata: map[string]string{}}
	seenMetadata := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("header is not valid JSON: %v: %w", err, ErrCorrupt)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("header is not valid JSON: %w", ErrCorrupt)
		}
		if name == metadataKey {
			if seenMetadata {
				return nil, fmt.Errorf("header has %s twice: %w", metadataKey, ErrCorrupt)
			}
			seenMetadata = true
			if err := dec.Decode(&h.metadata); err != nil {
				return nil, fmt.Errorf("header %s is not an object of strings: %v: %w", metadataKey, err, ErrCorrupt)
			}
			if h.metadata == nil { // "__metadata__": null
				h.metadata = map[string]string{}
			}
			continue
		}
		if _, dup := h.tensors[name]; dup {
			return nil, fmt.Errorf("header lists tensor %q twice: %w", name, ErrCorrupt)
		}
		re, err := decodeRawEntry(dec)
		if err != nil {
			return nil, fmt.Errorf("tensor %q: bad header record: %v: %w", name, err, ErrCorrupt)
		}
		e, err := re.validate(name, dataLen)
		if err != nil {
			return nil, err
		}
		h.tensors[name] = e
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, fmt.Errorf("header is not valid JSON: %v: %w", err, ErrCorrupt)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("header has data after its JSON object: %w", ErrCorrupt)
	}
	if err := checkOverlap(h.tensors); err != nil {
		return nil, err
	}
	return h, nil
}

// validate checks one record against the data buffer's length.
func (re rawEntry) validate(name string, dataLen int64) (entry, error) {
	bad := func(format string, args ...any) (entry, error) {
		return entry{}, fmt.Errorf("tensor %q: "+format+": %w", append(append([]any{name}, args...), ErrCorrupt)...)
	}
	if re.DType == nil || re.Shape == nil || re.DataOffsets == nil {
		return bad("header record needs dtype, shape and data_offsets")
	}
	dt := DType(*re.DType)
	nbits, ok := dt.bits()
	if !ok {
		return bad("unknown dtype %q", *re.DType)
	}
	offs := *re.DataOffsets
	if len(offs) != 2 {
		return bad("data_offsets has %d values, want [begin, end]", len(offs))
	}
	begin, end := offs[0], offs[1]
	if begin < 0 || begin > end || end > dataLen {
		return bad("data_offsets [%d, %d] outside the %d-byte data buffer", begin, end, dataLen)
	}
	shape := *re.Shape
	count, ok := elementCount(shape)
	if !ok {
		return bad("shape %v has a negative or too large dimension", shape)
	}
	hi, totalBits := bits.Mul64(count, uint64(nbits))
	if hi != 0 || totalBits%8 != 0 || totalBits/8 != uint64(end-begin) {
		return bad("shape %v of %s does not fill data_offsets [%d, %d] (%d bytes)", shape, dt, begin, end, end-begin)
	}
	return entry{dtype: dt, shape: slices.Clone(shape), begin: begin, end: end}, nil
}

// elementCount is the product of shape's dimensions; ok is false for a
// negative dimension or a product that overflows 63 bits.
func elementCount(shape []int64) (uint64, bool) {
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		if d == 0 {
			return 0, true
		}
	}
	n := uint64(1)
	for _, d := range shape {
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > 1<<63-1 {
			return 0, false
		}
		n = lo
	}
	return n, true
}

// checkOverlap fails when two tensors share a byte of the data buffer.
func checkOverlap(tensors map[string]entry) error {
	type span struct {
		name       string
		begin, end int64
	}
	spans := make([]span, 0, len(tensors))
	for name, e := range tensors {
		if e.begin < e.end {
			spans = append(spans, span{name, e.begin, e.end})
		}
	}
	slices.SortFunc(spans, func(a, b span) int {
		return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end))
	})
	for i := 1; i < len(spans); i++ {
		if prev, cur := spans[i-1], spans[i]; cur.begin < prev.end {
			return fmt.Errorf("tensors %q [%d, %d] and %q [%d, %d] overlap: %w",
				prev.name, prev.begin, prev.end, cur.name, cur.begin, cur.end, ErrCorrupt)
		}
	}
	return nil
}
