package weights

import (
	"fmt"
	"slices"
	"unsafe"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// Store reads checkpoint tensors in one compute dtype (float32 or
// float64). It is not safe for concurrent use: graphs are built one at a
// time.
type Store struct {
	set    *safetensors.Set
	dt     graph.DType
	copies map[string]Tensor // converted tensors, by name
}

// Tensor is one tensor's bytes in the compute dtype with its dims.
type Tensor struct {
	Name string
	Dims []int64
	Data []byte
}

// NewStore reads set's tensors in the compute dtype dt.
func NewStore(set *safetensors.Set, dt graph.DType) *Store {
	return &Store{set: set, dt: dt, copies: map[string]Tensor{}}
}

// DType is the compute dtype.
func (s *Store) DType() graph.DType { return s.dt }

// Has says whether the checkpoint holds a tensor called name.
func (s *Store) Has(name string) bool { return s.set.Has(name) }

// Get returns the named tensor in the compute dtype, checking that its
// shape is want.
func (s *Store) Get(name string, want ...int64) (Tensor, error) {
	if w, ok := s.copies[name]; ok {
		return w, nil
	}
	t, err := s.tensor(name, want)
	if err != nil {
		return Tensor{}, err
	}
	if s.dt == graph.Float32 && t.DType == safetensors.F32 && littleEndian() && uintptr(unsafe.Pointer(unsafe.SliceData(t.Data)))%4 == 0 {
		return Tensor{Name: name, Dims: want, Data: t.Data}, nil
	}
	var data []byte
	switch s.dt {
	case graph.Float32:
		v, err := t.Float32()
		if err != nil {
			return Tensor{}, err
		}
		data = Float32Bytes(v)
	case graph.Float64:
		v, err := t.Float64()
		if err != nil {
			return Tensor{}, err
		}
		data = Float64Bytes(v)
	default:
		return Tensor{}, fmt.Errorf("compute dtype %v is not supported", s.dt)
	}
	w := Tensor{Name: name, Dims: want, Data: data}
	s.copies[name] = w
	return w, nil
}

// Float32s returns the named tensor as float32 values (a view into the
// mapped file when possible) for work done in Go: embedding lookups,
// position tables.
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
