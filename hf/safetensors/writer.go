package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/vlmask/vlmask/hf/durable"
)

// WriteFile writes tensors and metadata to path as one safetensors file,
// atomically: it writes a temporary file in the same directory, syncs it
// and renames it into place, so readers never see a partial file. Tensors
// are laid out by descending element size, then by name, so every tensor
// starts aligned to its element size; the header is padded with spaces to
// a multiple of 8 bytes, as the reference implementation does. Each
// tensor's Data must be exactly its shape's elements (ErrInvalidTensor
// otherwise); names must be unique, non-empty and not "__metadata__".
func WriteFile(path string, tensors []Tensor, metadata map[string]string) error {
	if err := writeFile(path, tensors, metadata); err != nil {
		return fmt.Errorf("write safetensors %q: %w", path, err)
	}
	return nil
}

func writeFile(path string, tensors []Tensor, metadata map[string]string) (err error) {
	hdr, order, err := encodeHeader(tensors, metadata)
	if err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(hdr); err != nil {
		return err
	}
	for _, t := range order {
		if _, err = tmp.Write(t.Data); err != nil {
			return err
		}
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return durable.SyncDir(dir)
}

// encode returns a whole safetensors file in memory.
func encode(tensors []Tensor, metadata map[string]string) ([]byte, error) {
	hdr, order, err := encodeHeader(tensors, metadata)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Write(hdr)
	for _, t := range order {
		buf.Write(t.Data)
	}
	return buf.Bytes(), nil
}

// encodeHeader checks the tensors and returns the 8-byte length prefix with
// the padded JSON header, and the tensors in data-buffer order.
func encodeHeader(tensors []Tensor, metadata map[string]string) ([]byte, []Tensor, error) {
	seen := map[string]bool{}
	sizes := map[string]int{}
	for _, t := range tensors {
		if t.Name == "" || t.Name == metadataKey {
			return nil, nil, fmt.Errorf("tensor name %q is not allowed: %w", t.Name, ErrInvalidTensor)
		}
		if seen[t.Name] {
			return nil, nil, fmt.Errorf("tensor %q given twice: %w", t.Name, ErrInvalidTensor)
		}
		seen[t.Name] = true
		_, size, err := t.check()
		if err != nil {
			return nil, nil, err
		}
		sizes[t.Name] = size
	}
	order := slices.Clone(tensors)
	slices.SortStableFunc(order, func(a, b Tensor) int {
		return cmp.Or(cmp.Compare(sizes[b.Name], sizes[a.Name]), cmp.Compare(a.Name, b.Name))
	})

	var js bytes.Buffer
	js.WriteByte('{')
	if len(metadata) > 0 {
		js.WriteString(strconv.Quote(metadataKey)) // ASCII: Quote is valid JSON
		js.WriteByte(':')
		if err := writeJSON(&js, metadata); err != nil {
			return nil, nil, err
		}
	}
	offset := 0
	for i, t := range order {
		if i > 0 || len(metadata) > 0 {
			js.WriteByte(',')
		}
		if err := writeJSON(&js, t.Name); err != nil {
			return nil, nil, err
		}
		js.WriteByte(':')
		shape := t.Shape
		if shape == nil {
			shape = []int64{}
		}
		rec := struct {
			DType       DType   `json:"dtype"`
			Shape       []int64 `json:"shape"`
			DataOffsets [2]int  `json:"data_offsets"`
		}{t.DType, shape, [2]int{offset, offset + len(t.Data)}}
		if err := writeJSON(&js, rec); err != nil {
			return nil, nil, err
		}
		offset += len(t.Data)
	}
	js.WriteByte('}')
	for js.Len()%8 != 0 {
		js.WriteByte(' ')
	}
	if js.Len() > MaxHeaderLen {
		return nil, nil, fmt.Errorf("header of %d bytes exceeds the %d-byte limit: %w", js.Len(), MaxHeaderLen, ErrInvalidTensor)
	}
	out := make([]byte, 8, 8+js.Len())
	binary.LittleEndian.PutUint64(out, uint64(js.Len()))
	return append(out, js.Bytes()...), order, nil
}

// writeJSON appends v's JSON encoding to w without HTML escaping, so names
// are written as the reference writer writes them.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return err
}
