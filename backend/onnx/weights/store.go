package weights

import (
	"encoding/binary"
	"fmt"
	"slices"
	"unsafe"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// Store reads checkpoint tensors for graphs computing in one dtype
// (float32 or float64). By default every tensor is handed over in that
// dtype; Options can keep matrices (weights of rank 2 and more) in half
// precision instead, and the graph blocks cast or compute accordingly.
// It is not safe for concurrent use: graphs are built one at a time.
type Store struct {
	set    *safetensors.Set
	dt     graph.DType
	opts   Options
	copies map[string]Tensor // converted tensors, by name
}

// Options choose how matrices are stored.
type Options struct {
	// Matrices, when BFloat16 or Float16, stores every matrix in that
	// dtype (converted from the checkpoint when it differs): for graphs
	// whose matrix products run in half precision (CUDA).
	Matrices graph.DType
	// KeepHalf keeps a checkpoint's BF16 and F16 matrices in their dtype,
	// read in place from the mapped file; the graphs cast them before use,
	// so resident weight memory is the checkpoint's own size.
	KeepHalf bool
}

// Tensor is one tensor's bytes in the dtype the graphs declare it with.
type Tensor struct {
	Name  string
	DType graph.DType
	Dims  []int64
	Data  []byte
}

// NewStore reads set's tensors for graphs computing in dt, storing every
// tensor in dt.
func NewStore(set *safetensors.Set, dt graph.DType) *Store {
	return NewStoreWith(set, dt, Options{})
}

// NewStoreWith is NewStore with a storage policy for matrices.
func NewStoreWith(set *safetensors.Set, dt graph.DType, opts Options) *Store {
	return &Store{set: set, dt: dt, opts: opts, copies: map[string]Tensor{}}
}

// DType is the compute dtype.
func (s *Store) DType() graph.DType { return s.dt }

// Has says whether the checkpoint holds a tensor called name.
func (s *Store) Has(name string) bool { return s.set.Has(name) }

// Get returns the named tensor in its storage dtype, checking that its
// shape is want.
func (s *Store) Get(name string, want ...int64) (Tensor, error) {
	if w, ok := s.copies[name]; ok {
		return w, nil
	}
	t, err := s.tensor(name, want)
	if err != nil {
		return Tensor{}, err
	}
	target := StorageDType(t.DType, len(t.Shape), s.dt, s.opts)
	if InPlace(t.DType, target) && littleEndian() && uintptr(unsafe.Pointer(unsafe.SliceData(t.Data)))%uintptr(target.Size()) == 0 {
		return Tensor{Name: name, DType: target, Dims: want, Data: t.Data}, nil
	}
	data, err := convert(t, target)
	if err != nil {
		return Tensor{}, err
	}
	w := Tensor{Name: name, DType: target, Dims: want, Data: data}
	s.copies[name] = w
	return w, nil
}

// StorageDType is the dtype a Store computing in dt with opts hands a
// checkpoint tensor of dtype d and the given rank over in: dt, except for
// matrices (rank 2 and more) under Options.Matrices or Options.KeepHalf.
// The memory estimate counts weights with it.
func StorageDType(d safetensors.DType, rank int, dt graph.DType, opts Options) graph.DType {
	if rank < 2 {
		return dt
	}
	switch {
	case opts.Matrices == graph.BFloat16 || opts.Matrices == graph.Float16:
		return opts.Matrices
	case opts.KeepHalf && d == safetensors.BF16:
		return graph.BFloat16
	case opts.KeepHalf && d == safetensors.F16:
		return graph.Float16
	}
	return dt
}

// InPlace says whether a tensor of dtype d stored as target is read in
// place from the mapped file (on a little-endian machine, aligned data)
// rather than converted into a copy.
func InPlace(d safetensors.DType, target graph.DType) bool {
	native, ok := dtypeOf(d)
	return ok && native == target
}

// ConvertedBytes is the memory held by converted copies (tensors not read
// in place from the mapped file).
func (s *Store) ConvertedBytes() int64 {
	var n int64
	for _, w := range s.copies {
		n += int64(len(w.Data))
	}
	return n
}

// Float32s returns the named tensor as float32 values (a view into the
// mapped file when possible) for work done in Go: position tables.
func (s *Store) Float32s(name string, want ...int64) ([]float32, error) {
	t, err := s.tensor(name, want)
	if err != nil {
		return nil, err
	}
	if v, ok := t.Float32View(); ok {
		return v, nil
	}
	return t.Float32()
}

// Tensor returns the named checkpoint tensor as stored, its shape checked.
func (s *Store) Tensor(name string, want ...int64) (safetensors.Tensor, error) {
	return s.tensor(name, want)
}

// tensor looks the named tensor up and checks its shape.
func (s *Store) tensor(name string, want []int64) (safetensors.Tensor, error) {
	t, err := s.set.Tensor(name)
	if err != nil {
		return t, err
	}
	if !slices.Equal(t.Shape, want) {
		return t, fmt.Errorf("tensor %q in %s has shape %v, the config implies %v: %w", name, t.File, t.Shape, want, ErrMismatch)
	}
	return t, nil
}

// dtypeOf maps a safetensors dtype to the graph's.
func dtypeOf(d safetensors.DType) (graph.DType, bool) {
	switch d {
	case safetensors.F32:
		return graph.Float32, true
	case safetensors.F64:
		return graph.Float64, true
	case safetensors.BF16:
		return graph.BFloat16, true
	case safetensors.F16:
		return graph.Float16, true
	}
	return 0, false
}

// convert returns t's values encoded in dt.
func convert(t safetensors.Tensor, dt graph.DType) ([]byte, error) {
	switch dt {
	case graph.Float32:
		v, err := t.Float32()
		if err != nil {
			return nil, err
		}
		return Float32Bytes(v), nil
	case graph.Float64:
		v, err := t.Float64()
		if err != nil {
			return nil, err
		}
		return Float64Bytes(v), nil
	case graph.BFloat16, graph.Float16:
		v, err := t.Float32()
		if err != nil {
			return nil, err
		}
		out := make([]byte, 2*len(v))
		encode := graph.BFloat16Bits
		if dt == graph.Float16 {
			encode = graph.Float16Bits
		}
		for i, x := range v {
			binary.LittleEndian.PutUint16(out[2*i:], encode(float64(x)))
		}
		return out, nil
	}
	return nil, fmt.Errorf("storage dtype %v is not supported", dt)
}

func littleEndian() bool {
	var probe uint16 = 1
	return *(*byte)(unsafe.Pointer(&probe)) == 1
}

// Float32Bytes views float32 values as their bytes (no copy).
func Float32Bytes(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(v)*4)
}

// Float64Bytes views float64 values as their bytes (no copy).
func Float64Bytes(v []float64) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(v)*8)
}
