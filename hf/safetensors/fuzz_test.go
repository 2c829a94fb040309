package safetensors

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzParseHeader feeds arbitrary headers and data lengths to the header
// parser. It must never panic, every failure must match ErrCorrupt, and
// every header it accepts must describe tensors that fit the data buffer
// without overlap and survive a write and re-parse unchanged.
//
//	go test -run='^$' -fuzz=FuzzParseHeader -fuzztime=10s ./hf/safetensors
func FuzzParseHeader(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed.header, seed.dataLen)
	}
	f.Fuzz(func(t *testing.T, raw []byte, dataLen int64) {
		// The same bytes as a whole file exercise the framing too.
		if hdr, data, err := splitFile(raw); err == nil {
			if len(hdr)+len(data)+8 != len(raw) {
				t.Fatalf("splitFile lost bytes: %d + %d + 8 != %d", len(hdr), len(data), len(raw))
			}
		} else if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("splitFile error %v does not match ErrCorrupt", err)
		}

		h, err := parseHeader(raw, dataLen)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("parseHeader error %v does not match ErrCorrupt", err)
			}
			return
		}
		var tensors []Tensor
		for name, e := range h.tensors {
			if e.begin < 0 || e.begin > e.end || e.end > dataLen {
				t.Fatalf("accepted %q with offsets [%d, %d] for %d bytes of data", name, e.begin, e.end, dataLen)
			}
			if size, err := e.dtype.Size(); err == nil && name != "" { // the writer refuses empty names
				n, ok := elementCount(e.shape)
				if !ok || n*uint64(size) != uint64(e.end-e.begin) {
					t.Fatalf("accepted %q: shape %v of %s in %d bytes", name, e.shape, e.dtype, e.end-e.begin)
				}
				tensors = append(tensors, Tensor{Name: name, DType: e.dtype, Shape: e.shape})
			}
		}
		if err := checkOverlap(h.tensors); err != nil {
			t.Fatalf("accepted overlapping tensors: %v", err)
		}
		if len(tensors) > 64 || dataLen > 1<<20 {
			return // keep the re-encoding cheap
		}
		for i := range tensors {
			e := h.tensors[tensors[i].Name]
			tensors[i].Data = make([]byte, e.end-e.begin)
		}
		file, err := encode(tensors, h.metadata)
		if err != nil {
			t.Fatalf("re-encoding an accepted header: %v", err)
		}
		hdr, data, err := splitFile(file)
		if err != nil {
			t.Fatalf("re-encoded file: %v", err)
		}
		again, err := parseHeader(hdr, int64(len(data)))
		if err != nil {
			t.Fatalf("re-encoded header rejected: %v", err)
		}
		for _, tensor := range tensors {
			e, ok := again.tensors[tensor.Name]
			if !ok || e.dtype != tensor.DType || !slices.Equal(e.shape, tensor.Shape) {
				t.Fatalf("tensor %q changed in the round trip", tensor.Name)
			}
		}
	})
}

type fuzzSeed struct {
	header  []byte
	dataLen int64
}

// fuzzSeeds are the golden files' headers (when the golden data is
// present), a writer-made header and the corrupt headers of the tests.
func fuzzSeeds(f *testing.F) []fuzzSeed {
	f.Helper()
	var seeds []fuzzSeed
	add := func(file []byte) {
		if len(file) < 8 {
			seeds = append(seeds, fuzzSeed{file, 0})
			return
		}
		n := binary.LittleEndian.Uint64(file)
		if n > uint64(len(file)-8) {
			seeds = append(seeds, fuzzSeed{file, int64(len(file))})
			return
		}
		seeds = append(seeds, fuzzSeed{file[8 : 8+n], int64(len(file)) - 8 - int64(n)})
	}
	if golden, ok := goldenRoot(); ok {
		paths, _ := filepath.Glob(filepath.Join(golden, "*", "*", "*.safetensors"))
		for _, p := range paths {
			if b, ok := goldenSeed(p); ok {
				add(b)
			}
		}
	}
	valid, err := encode([]Tensor{f32Tensor("a", []int64{2}, 1, 2), i64Tensor("b", []int64{1}, 7),
		u16Tensor("c", BF16, []int64{1, 1}, 0x3f80)}, map[string]string{"format": "pt"})
	if err != nil {
		f.Fatal(err)
	}
	add(valid)
	for _, h := range []string{
		``, `{}`, `{"__metadata__": null}`, `[1]`, `{"a": 5}`, `{}{}`, "{\"\xff\": {}}",
		`{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}`,
		`{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}`,
		`{"a": {"dtype": "F32", "shape": [-2, -1], "data_offsets": [0, 8]}}`,
		`{"a": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 0]}}`,
		`{"a": {"dtype": "F4", "shape": [3], "data_offsets": [0, 2]}}`,
		`{"a": {"dtype": "Q7", "shape": [1], "data_offsets": [0, 1]}}`,
		`{"": {"dtype": "U8", "shape": [], "data_offsets": [0, 1]}}`,
		`{"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}, "a": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}}`,
	} {
		seeds = append(seeds, fuzzSeed{[]byte(h), 16})
	}
	return seeds
}

// goldenSeed re-encodes the smallest tensor of each dtype of a golden file,
// with its metadata: the real names, dtypes and shapes, in a header small
// enough for the fuzzer to minimize quickly (whole golden headers are
// 5-10 KB).
func goldenSeed(path string) ([]byte, bool) {
	f, err := Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	smallest := map[DType]Tensor{}
	for _, name := range f.Names() {
		t, err := f.Tensor(name)
		if err != nil {
			return nil, false
		}
		if prev, ok := smallest[t.DType]; !ok || len(t.Data) < len(prev.Data) {
			t.Data = slices.Clone(t.Data)
			smallest[t.DType] = t
		}
	}
	var tensors []Tensor
	for _, t := range smallest {
		tensors = append(tensors, t)
	}
	b, err := encode(tensors, f.Metadata())
	return b, err == nil
}

// goldenRoot finds the repository's testdata/golden without failing, for
// fuzz seeds.
func goldenRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			golden := filepath.Join(dir, "testdata", "golden")
			_, err := os.Stat(golden)
			return golden, err == nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
