package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

func TestWriteFileRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tensors := []Tensor{
		{Name: "b.bf16", DType: BF16, Shape: []int64{3, 5}, Data: randomBytes(r, 30)},
		{Name: "a.f32", DType: F32, Shape: []int64{2, 3, 4}, Data: randomBytes(r, 96)},
		{Name: "c.f16", DType: F16, Shape: []int64{7}, Data: randomBytes(r, 14)},
		{Name: "d.f64", DType: F64, Shape: []int64{2, 2}, Data: randomBytes(r, 32)},
		{Name: "e.i64", DType: I64, Shape: []int64{3, 1, 2}, Data: randomBytes(r, 48)},
		{Name: "f.i32", DType: I32, Shape: []int64{5}, Data: randomBytes(r, 20)},
		{Name: "g.u8", DType: U8, Shape: []int64{9}, Data: randomBytes(r, 9)},
		{Name: "h.scalar", DType: F32, Shape: []int64{}, Data: randomBytes(r, 4)},
		{Name: "i.empty", DType: F32, Shape: []int64{0, 3}, Data: nil},
		{Name: "j.weird <name> & \"quotes\" é", DType: I8, Shape: []int64{1}, Data: []byte{0x80}},
	}
	meta := map[string]string{"format": "pt", "note": "<&>"}

	for name, metadata := range map[string]map[string]string{"with metadata": meta, "without metadata": nil} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "model.safetensors")
			if err := WriteFile(path, tensors, metadata); err != nil {
				t.Fatal(err)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				t.Errorf("directory holds %d entries after WriteFile, want only the file (no temporary left)", len(entries))
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			n := binary.LittleEndian.Uint64(raw)
			if n%8 != 0 {
				t.Errorf("header length %d is not a multiple of 8", n)
			}

			f := openFile(t, path)
			want := make([]string, len(tensors))
			for i, tt := range tensors {
				want[i] = tt.Name
			}
			slices.Sort(want)
			if got := f.Names(); !slices.Equal(got, want) {
				t.Errorf("Names() = %q, want %q", got, want)
			}
			wantMeta := metadata
			if wantMeta == nil {
				wantMeta = map[string]string{}
			}
			if got := f.Metadata(); !maps.Equal(got, wantMeta) {
				t.Errorf("Metadata() = %v, want %v", got, wantMeta)
			}
			for _, in := range tensors {
				got, err := f.Tensor(in.Name)
				if err != nil {
					t.Fatal(err)
				}
				if got.DType != in.DType || !slices.Equal(got.Shape, in.Shape) || !bytes.Equal(got.Data, in.Data) || got.File != path {
					t.Errorf("tensor %q read back as %s %v (%d bytes, file %q), want %s %v (%d bytes)",
						in.Name, got.DType, got.Shape, len(got.Data), got.File, in.DType, in.Shape, len(in.Data))
				}
				size, _ := in.DType.Size()
				off := 8 + int(n) + int(f.header.tensors[in.Name].begin)
				if off%size != 0 {
					t.Errorf("tensor %q starts at file offset %d, not aligned to its %d-byte elements", in.Name, off, size)
				}
			}
		})
	}
}

func TestWriteFileOverwrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.safetensors")
	for _, v := range []float32{1.5, -2.25} {
		if err := WriteFile(path, []Tensor{f32Tensor("w", []int64{1}, v)}, nil); err != nil {
			t.Fatal(err)
		}
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		tt, err := f.Tensor("w")
		if err != nil {
			t.Fatal(err)
		}
		got, err := tt.Float32()
		if err != nil {
			t.Fatal(err)
		}
		if got[0] != v {
			t.Errorf("after writing %v, read %v", v, got[0])
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWriteFileRejectsBadTensors(t *testing.T) {
	good := f32Tensor("ok", []int64{2}, 1, 2)
	tests := map[string]struct {
		tensors []Tensor
		want    error
	}{
		"empty name":       {[]Tensor{f32Tensor("", []int64{1}, 1)}, ErrInvalidTensor},
		"metadata name":    {[]Tensor{f32Tensor(metadataKey, []int64{1}, 1)}, ErrInvalidTensor},
		"duplicate name":   {[]Tensor{good, good}, ErrInvalidTensor},
		"short data":       {[]Tensor{f32Tensor("w", []int64{3}, 1, 2)}, ErrInvalidTensor},
		"negative dim":     {[]Tensor{f32Tensor("w", []int64{-1}, 1)}, ErrInvalidTensor},
		"unknown dtype":    {[]Tensor{{Name: "w", DType: "Q7", Shape: []int64{1}, Data: []byte{0}}}, ErrUnsupportedDType},
		"sub-byte dtype":   {[]Tensor{{Name: "w", DType: F4, Shape: []int64{2}, Data: []byte{0}}}, ErrUnsupportedDType},
		"overflowing dims": {[]Tensor{f32Tensor("w", []int64{1 << 40, 1 << 40}, 1)}, ErrInvalidTensor},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.safetensors")
			err := WriteFile(path, tc.tensors, nil)
			if !errors.Is(err, tc.want) {
				t.Fatalf("WriteFile: %v, want %v", err, tc.want)
			}
			if !bytes.Contains([]byte(err.Error()), []byte(path)) {
				t.Errorf("error %q does not name %s", err, path)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a failed WriteFile left %s behind (stat: %v)", path, err)
			}
		})
	}
}
