package safetensors

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// validFile is a small well-formed file for the corruption cases to start
// from: a.f32 [2] at [0, 8) and b.i64 [1] at [8, 16).
func validFile(t *testing.T) []byte {
	t.Helper()
	b, err := encode([]Tensor{f32Tensor("a", []int64{2}, 1, 2), i64Tensor("b", []int64{1}, 7)}, map[string]string{"format": "pt"})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func withHeaderLen(b []byte, n uint64) []byte {
	out := append([]byte(nil), b...)
	binary.LittleEndian.PutUint64(out, n)
	return out
}

func TestOpenRejectsCorruptFiles(t *testing.T) {
	valid := validFile(t)
	tests := map[string]struct {
		file []byte
		want string // a fragment of the message
	}{
		"empty file":             {nil, "shorter than the 8-byte header length"},
		"shorter than prefix":    {[]byte{1, 2, 3}, "shorter than the 8-byte header length"},
		"truncated data":         {valid[:len(valid)-3], "outside the"},
		"truncated header":       {valid[:20], "runs past the end"},
		"header length past EOF": {withHeaderLen(valid, uint64(len(valid))), "runs past the end"},
		"absurd header length":   {withHeaderLen(valid, 1<<62), "exceeds the"},
		"header just over cap":   {withHeaderLen(valid, MaxHeaderLen+1), "exceeds the"},
		"header not JSON":        {rawFile(`{"a": {"dtype": "F32", `, 0), "bad header record"},
		"unclosed header":        {rawFile(`{"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}`, 1), "not valid JSON"},
		"non-string key":         {rawFile(`{1: 2}`, 0), "not valid JSON"},
		"header garbage":         {rawFile(`\x00\x01binary`, 0), "not a JSON object"},
		"header is an array":     {rawFile(`[1, 2]`, 0), "not a JSON object"},
		"header is a string":     {rawFile(`"x"`, 0), "not a JSON object"},
		"trailing data":          {rawFile(`{}{}`, 0), "data after its JSON object"},
		"invalid UTF-8":          {rawFile("{\"\xff\": {}}", 0), "UTF-8"},
		"record not an object":   {rawFile(`{"a": 5}`, 0), "bad header record"},
		"missing dtype":          {rawFile(`{"a": {"shape": [1], "data_offsets": [0, 4]}}`, 4), "needs dtype"},
		"null record":            {rawFile(`{"a": null}`, 0), "bad header record"},
		"keys in the wrong case": {rawFile(`{"a": {"DType": "U8", "Shape": [1], "Data_Offsets": [0, 1]}}`, 1), "needs dtype"},
		"missing offsets":        {rawFile(`{"a": {"dtype": "F32", "shape": [1]}}`, 4), "needs dtype"},
		"three offsets":          {rawFile(`{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}`, 8), "data_offsets has 3 values"},
		"offsets out of range":   {rawFile(`{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}`, 8), "outside the 8-byte data buffer"},
		"begin after end":        {rawFile(`{"a": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}}`, 8), "outside the"},
		"negative begin":         {rawFile(`{"a": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}}`, 8), "outside the"},
		"fractional offset":      {rawFile(`{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0.5, 4]}}`, 8), "bad header record"},
		"overlapping tensors": {rawFile(`{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},`+
			` "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}`, 12), "overlap"},
		"contained tensors": {rawFile(`{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},`+
			` "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}`, 16), "overlap"},
		"shape times size mismatch": {rawFile(`{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}`, 8), "does not fill"},
		"negative dim":              {rawFile(`{"a": {"dtype": "F32", "shape": [-2, -1], "data_offsets": [0, 8]}}`, 8), "negative or too large"},
		"overflowing shape": {rawFile(`{"a": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 0]}}`, 0),
			"negative or too large"},
		"product overflows with size": {rawFile(`{"a": {"dtype": "F64", "shape": [4611686018427387904], "data_offsets": [0, 0]}}`, 0),
			"does not fill"},
		"dim beyond int64":     {rawFile(`{"a": {"dtype": "F32", "shape": [18446744073709551616], "data_offsets": [0, 0]}}`, 0), "bad header record"},
		"unknown dtype":        {rawFile(`{"a": {"dtype": "Q7", "shape": [1], "data_offsets": [0, 1]}}`, 1), `unknown dtype "Q7"`},
		"duplicate tensor":     {rawFile(`{"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}, "a": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}}`, 2), "twice"},
		"metadata not strings": {rawFile(`{"__metadata__": {"n": 5}}`, 0), "not an object of strings"},
		"metadata twice":       {rawFile(`{"__metadata__": {}, "__metadata__": {}}`, 0), "twice"},
		"sub-byte misfit":      {rawFile(`{"a": {"dtype": "F4", "shape": [3], "data_offsets": [0, 2]}}`, 2), "does not fill"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path := writeBytes(t, "bad.safetensors", tc.file)
			f, err := Open(path)
			if err == nil {
				f.Close()
				t.Fatalf("Open succeeded on a corrupt file")
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("error %q does not match ErrCorrupt", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, path) {
				t.Errorf("error %q does not name the file %s", msg, path)
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not say %q", msg, tc.want)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error %q is not one line", msg)
			}
		})
	}
}

func TestOpenAcceptsEdgeCases(t *testing.T) {
	tests := map[string]struct {
		file  []byte
		names []string
	}{
		"empty header":          {rawFile(`{}`, 0), nil},
		"padded with spaces":    {rawFile(`{}      `, 0), nil},
		"metadata null":         {rawFile(`{"__metadata__": null}`, 0), nil},
		"unknown record fields": {rawFile(`{"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2], "extra": 1}}`, 2), []string{"a"}},
		"gap between tensors": {rawFile(`{"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]},`+
			` "b": {"dtype": "U8", "shape": [1], "data_offsets": [4, 5]}}`, 8), []string{"a", "b"}},
		"empty tensors share an offset": {rawFile(`{"a": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4]},`+
			` "b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "c": {"dtype": "F32", "shape": [2, 0], "data_offsets": [4, 4]}}`, 4),
			[]string{"a", "b", "c"}},
		"sub-byte dtype": {rawFile(`{"a": {"dtype": "F4", "shape": [2, 2], "data_offsets": [0, 2]}}`, 2), []string{"a"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := openFile(t, writeBytes(t, "ok.safetensors", tc.file))
			got := f.Names()
			if len(got) != len(tc.names) {
				t.Fatalf("Names() = %q, want %q", got, tc.names)
			}
			for i := range got {
				if got[i] != tc.names[i] {
					t.Errorf("Names()[%d] = %q, want %q", i, got[i], tc.names[i])
				}
			}
		})
	}
}

func TestOpenDirectoryIsAnError(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("Open(directory) = %v, want an error naming %s", err, dir)
	}
}

func TestOpenMissingFile(t *testing.T) {
	path := t.TempDir() + "/absent.safetensors"
	_, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open(missing) = %v, want an error naming %s", err, path)
	}
}
