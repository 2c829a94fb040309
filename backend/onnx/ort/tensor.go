package ort

import (
	"fmt"
	"reflect"
	"runtime"
	"unsafe"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// dtypeOf maps an Element type to its ONNX element type.
func dtypeOf[T Element]() graph.DType {
	switch reflect.TypeFor[T]().Kind() {
	case reflect.Float32:
		return graph.Float32
	case reflect.Float64:
		return graph.Float64
	case reflect.Int64:
		return graph.Int64
	case reflect.Int32:
		return graph.Int32
	case reflect.Uint8:
		return graph.Uint8
	case reflect.Int8:
		return graph.Int8
	case reflect.Bool:
		return graph.Bool
	case reflect.Uint16:
		return graph.Uint16
	}
	return graph.Undefined
}

// checkShape validates dims and returns the element count.
func checkShape(shape []int64) (int, error) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("%w: negative dimension in %v", ErrShape, shape)
		}
		if d > 0 && n > (1<<62)/d {
			return 0, fmt.Errorf("%w: %v has too many elements", ErrShape, shape)
		}
		n *= d
	}
	return int(n), nil
}

// shapePointer is the address of shape's first element (nil for rank 0).
func shapePointer(shape []int64) unsafe.Pointer {
	if len(shape) == 0 {
		return nil
	}
	return unsafe.Pointer(&shape[0])
}

// NewTensor makes a tensor of the given shape over data without copying:
// ONNX Runtime reads and writes data in place, which stays pinned until
// the Value is closed. len(data) must equal the product of shape.
func NewTensor[T Element](r *Runtime, shape []int64, data []T) (*Value, error) {
	dt := dtypeOf[T]()
	n, err := checkShape(shape)
	if err != nil {
		return nil, fmt.Errorf("new %v tensor: %w", dt, err)
	}
	if len(data) != n {
		return nil, fmt.Errorf("new %v tensor %v: %w: %d elements, want %d", dt, shape, ErrShape, len(data), n)
	}
	if n == 0 {
		return NewEmptyTensor(r, dt, shape)
	}
	var zero T
	return r.tensorOver(dt, shape, unsafe.Pointer(unsafe.SliceData(data)), n*int(unsafe.Sizeof(zero)), data)
}

// NewTensorBytes makes a tensor of type dt over raw little-endian bytes
// without copying (float16 and bfloat16 data, or memory-mapped weights).
// data should be aligned to dt.Size(); Go memory is pinned until the Value
// is closed, other memory must stay mapped until then.
func NewTensorBytes(r *Runtime, dt graph.DType, shape []int64, data []byte) (*Value, error) {
	if !dt.Valid() {
		return nil, fmt.Errorf("new tensor: %w: %v", ErrDType, dt)
	}
	n, err := checkShape(shape)
	if err != nil {
		return nil, fmt.Errorf("new %v tensor: %w", dt, err)
	}
	if len(data) != n*dt.Size() {
		return nil, fmt.Errorf("new %v tensor %v: %w: %d bytes, want %d", dt, shape, ErrShape, len(data), n*dt.Size())
	}
	if n == 0 {
		return NewEmptyTensor(r, dt, shape)
	}
	return r.tensorOver(dt, shape, unsafe.Pointer(unsafe.SliceData(data)), len(data), data)
}

// tensorOver wraps size bytes at p (the start of backing) in an OrtValue,
// pinning it for as long as the Value lives.
func (r *Runtime) tensorOver(dt graph.DType, shape []int64, p unsafe.Pointer, size int, backing any) (*Value, error) {
	pins := new(runtime.Pinner)
	pins.Pin(p)
	var h valueHandle
	err := r.use(func() error {
		return r.api.status("create tensor over Go memory", r.api.createTensorWithDataAsOrtValue(
			r.cpu, p, uintptr(size), shapePointer(shape), uintptr(len(shape)), int32(dt), &h))
	})
	if err != nil {
		pins.Unpin()
		return nil, err
	}
	return newValue(r.api, h, pins, backing).knownMeta(dt, shape), nil
}

// NewEmptyTensor makes a tensor whose memory ONNX Runtime allocates (CPU,
// contents undefined); fill it through Data.
func NewEmptyTensor(r *Runtime, dt graph.DType, shape []int64) (*Value, error) {
	if !dt.Valid() {
		return nil, fmt.Errorf("new tensor: %w: %v", ErrDType, dt)
	}
	if _, err := checkShape(shape); err != nil {
		return nil, fmt.Errorf("new %v tensor: %w", dt, err)
	}
	var h valueHandle
	err := r.use(func() error {
		return r.api.status("create tensor", r.api.createTensorAsOrtValue(r.alloc, shapePointer(shape), uintptr(len(shape)), int32(dt), &h))
	})
	if err != nil {
		return nil, err
	}
	return newValue(r.api, h, nil, nil).knownMeta(dt, shape), nil
}
