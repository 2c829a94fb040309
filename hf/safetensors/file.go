package safetensors

import (
	"fmt"
	"maps"
	"slices"
	"sync"
)

// File is one open safetensors file. Its tensors' Data are views into the
// file's mapping, valid until Close. A File is safe for concurrent use.
type File struct {
	path     string
	data     []byte // the data buffer, after the header
	header   *header
	names    []string // sorted
	release  func() error
	mu       sync.RWMutex // guards data and closed
	closed   bool
	closeErr error
}

// Open maps the safetensors file at path and validates its header. Close
// releases it.
func Open(path string) (*File, error) {
	b, release, err := mapFile(path)
	if err != nil {
		return nil, fmt.Errorf("open safetensors %q: %w", path, err)
	}
	hdr, data, err := splitFile(b)
	if err == nil {
		var h *header
		if h, err = parseHeader(hdr, int64(len(data))); err == nil {
			return &File{
				path:    path,
				data:    data,
				header:  h,
				names:   slices.Sorted(maps.Keys(h.tensors)),
				release: release,
			}, nil
		}
	}
	if rerr := release(); rerr != nil {
		return nil, fmt.Errorf("open safetensors %q: %w (and unmap: %v)", path, err, rerr)
	}
	return nil, fmt.Errorf("open safetensors %q: %w", path, err)
}

// Path is the path the file was opened with.
func (f *File) Path() string { return f.path }

// Names lists the file's tensor names, sorted.
func (f *File) Names() []string { return slices.Clone(f.names) }

// Metadata returns a copy of the header's __metadata__ (empty, not nil,
// when the file has none).
func (f *File) Metadata() map[string]string { return maps.Clone(f.header.metadata) }

// Has reports whether the file holds a tensor called name.
func (f *File) Has(name string) bool {
	_, ok := f.header.tensors[name]
	return ok
}

// Tensor returns the named tensor. Its Data is a read-only view into the
// mapping, valid until Close; its Shape is the caller's own copy. A missing
// name gives an error matching ErrTensorNotFound.
func (f *File) Tensor(name string) (Tensor, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.closed {
		return Tensor{}, fmt.Errorf("tensor %q in %s: %w", name, f.path, ErrClosed)
	}
	e, ok := f.header.tensors[name]
	if !ok {
		return Tensor{}, fmt.Errorf("tensor %q in %s: %w", name, f.path, ErrTensorNotFound)
	}
	return Tensor{
		Name:  name,
		DType: e.dtype,
		Shape: slices.Clone(e.shape),
		Data:  f.data[e.begin:e.end:e.end],
		File:  f.path,
	}, nil
}

// Close unmaps the file; every Tensor.Data taken from it becomes invalid.
// It is idempotent: later calls return the first call's result.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return f.closeErr
	}
	f.closed = true
	f.data = nil
	if err := f.release(); err != nil {
		f.closeErr = fmt.Errorf("close safetensors %q: %w", f.path, err)
	}
	return f.closeErr
}
