package qwen3vl

import (
	"fmt"
	"slices"
	"unsafe"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// weightStore hands checkpoint tensors to the graph builders in the compute
// dtype. A float32 tensor that is already in the compute dtype is used in
// place, straight from the memory-mapped file; anything else is converted
// once and the copy is kept here, alive for as long as the sessions that
// read it.
type weightStore struct {
	set    *safetensors.Set
	dt     graph.DType
	copies map[string]weight // converted tensors, by name
}

// weight is one tensor's bytes in the compute dtype with its dims.
type weight struct {
	name string
	dims []int64
	data []byte
}

func newWeightStore(set *safetensors.Set, dt graph.DType) *weightStore {
	return &weightStore{set: set, dt: dt, copies: map[string]weight{}}
}

// get returns the named tensor in the compute dtype, checking that its shape
// is want.
func (s *weightStore) get(name string, want ...int64) (weight, error) {
	if w, ok := s.copies[name]; ok {
		return w, nil
	}
	t, err := s.set.Tensor(name)
	if err != nil {
		return weight{}, err
	}
	if !slices.Equal(t.Shape, want) {
		return weight{}, fmt.Errorf("tensor %q in %s has shape %v, the config implies %v: %w", name, t.File, t.Shape, want, ErrWeightMismatch)
	}
	if s.dt == graph.Float32 && t.DType == safetensors.F32 && littleEndian() && uintptr(unsafe.Pointer(unsafe.SliceData(t.Data)))%4 == 0 {
		return weight{name: name, dims: want, data: t.Data}, nil
	}
	var data []byte
	switch s.dt {
	case graph.Float32:
		v, err := t.Float32()
		if err != nil {
			return weight{}, err
		}
		data = float32Bytes(v)
	case graph.Float64:
		v, err := t.Float64()
		if err != nil {
			return weight{}, err
		}
		data = float64Bytes(v)
	default:
		return weight{}, fmt.Errorf("compute dtype %v is not supported", s.dt)
	}
	w := weight{name: name, dims: want, data: data}
	s.copies[name] = w
	return w, nil
}

// float32s returns the named tensor as float32 values (a view when possible)
// for work done in Go (embedding lookups, position tables).
func (s *weightStore) float32s(name string, want ...int64) ([]float32, error) {
	t, err := s.set.Tensor(name)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(t.Shape, want) {
		return nil, fmt.Errorf("tensor %q in %s has shape %v, the config implies %v: %w", name, t.File, t.Shape, want, ErrWeightMismatch)
	}
	if v, ok := t.Float32View(); ok {
		return v, nil
	}
	return t.Float32()
}

// inputAs declares the named tensor, stored with shape `stored`, in the
// graph under dims with the same number of elements (e.g. the Conv3d
// patch-embedding kernel as a 2-D matrix): inline when small, else a
// zero-copy external initializer over the store's bytes.
func (s *weightStore) inputAs(b *graph.Builder, name string, stored []int64, dims ...int64) (*graph.Value, error) {
	w, err := s.get(name, stored...)
	if err != nil {
		return nil, err
	}
	return b.Weight(w.name, s.dt, dims, w.data), nil
}

func littleEndian() bool {
	var probe uint16 = 1
	return *(*byte)(unsafe.Pointer(&probe)) == 1
}

func float32Bytes(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(v)*4)
}

func float64Bytes(v []float64) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(v)*8)
}

// declarer declares checkpoint tensors in one graph, keeping the first error
// so graph code can stay declarative; after the first failure it hands out
// placeholder scalars and the caller reports err instead of building.
type declarer struct {
	ws     *weightStore
	b      *graph.Builder
	prefix string
	err    error
}

func (d *declarer) get(name string, shape ...int64) *graph.Value {
	return d.as(name, shape, shape...)
}

// as declares a tensor stored with shape `stored` under other dims with the
// same number of elements.
func (d *declarer) as(name string, stored []int64, dims ...int64) *graph.Value {
	if d.err == nil {
		v, err := d.ws.inputAs(d.b, d.prefix+name, stored, dims...)
		if err == nil {
			return v
		}
		d.err = err
	}
	return d.b.Scalar(d.ws.dt, 0)
}
