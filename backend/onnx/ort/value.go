package ort

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// Element is a Go type a tensor can hold. uint16 also views float16 and
// bfloat16 tensors (their bits).
type Element interface {
	~float32 | ~float64 | ~int64 | ~int32 | ~uint8 | ~int8 | ~bool | ~uint16
}

// Value is an ONNX Runtime tensor (an OrtValue). Its memory is either Go
// memory handed over by NewTensor or NewTensorBytes (pinned until Close),
// or memory ONNX Runtime allocated (NewEmptyTensor, Run outputs). A Value
// may be read from several goroutines; do not Close it while a Run uses it.
type Value struct {
	api     *api
	h       valueHandle
	backing any    // the Go slice backing the tensor, if any
	device  Device // where the tensor's memory is (the CPU unless RunBound put it elsewhere)

	metaOnce sync.Once
	dtype    graph.DType
	shape    []int64
	metaErr  error

	mu      sync.Mutex
	closed  bool
	res     *valueResources
	cleanup runtime.Cleanup
}

// valueResources is what releasing a Value frees. It is kept apart from
// the Value so the leak cleanup can free it without keeping the Value
// reachable.
type valueResources struct {
	api  *api
	h    valueHandle
	pins *runtime.Pinner // nil for ORT-allocated memory
}

func (res *valueResources) free() {
	res.api.releaseValue(res.h)
	if res.pins != nil {
		res.pins.Unpin()
	}
}

// newValue wraps an OrtValue handle; pins (if any) are released with it.
func newValue(a *api, h valueHandle, pins *runtime.Pinner, backing any) *Value {
	v := &Value{api: a, h: h, backing: backing}
	v.res = &valueResources{api: a, h: h, pins: pins}
	v.cleanup = runtime.AddCleanup(v, (*valueResources).free, v.res)
	return v
}

// knownMeta records the type and shape of a tensor made from Go.
func (v *Value) knownMeta(dt graph.DType, shape []int64) *Value {
	v.metaOnce.Do(func() { v.dtype, v.shape = dt, append([]int64{}, shape...) })
	return v
}

// Device is where the tensor's memory lives: the CPU, or the device a
// RunBound output was bound to. Data reads CPU tensors only.
func (v *Value) Device() Device { return v.device }

// Close releases the tensor and unpins its Go memory. It is idempotent.
func (v *Value) Close() error {
	if v == nil {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return nil
	}
	v.closed = true
	v.cleanup.Stop()
	v.res.free()
	v.backing = nil
	return nil
}

// handle returns the OrtValue, or ErrClosed.
func (v *Value) handle() (valueHandle, error) {
	if v == nil {
		return 0, fmt.Errorf("nil value: %w", ErrInvalidArgument)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return 0, fmt.Errorf("value: %w", ErrClosed)
	}
	return v.h, nil
}

// DType is the tensor's element type.
func (v *Value) DType() (graph.DType, error) {
	if err := v.meta(); err != nil {
		return graph.Undefined, err
	}
	return v.dtype, nil
}

// Shape is the tensor's shape (a copy).
func (v *Value) Shape() ([]int64, error) {
	if err := v.meta(); err != nil {
		return nil, err
	}
	return append([]int64{}, v.shape...), nil
}

// meta reads the element type and shape from ONNX Runtime once.
func (v *Value) meta() error {
	h, err := v.handle()
	if err != nil {
		return err
	}
	v.metaOnce.Do(func() {
		a := v.api
		var info typeShapeHandle
		if v.metaErr = a.status("get tensor type and shape", a.getTensorTypeAndShape(h, &info)); v.metaErr != nil {
			return
		}
		defer a.releaseTensorTypeAndShapeInfo(info)
		var dt int32
		var rank uintptr
		if v.metaErr = a.status("get tensor element type", a.getTensorElementType(info, &dt)); v.metaErr != nil {
			return
		}
		if v.metaErr = a.status("get tensor rank", a.getDimensionsCount(info, &rank)); v.metaErr != nil {
			return
		}
		shape := make([]int64, rank)
		if rank > 0 {
			if v.metaErr = a.status("get tensor dims", a.getDimensions(info, unsafe.Pointer(&shape[0]), rank)); v.metaErr != nil {
				return
			}
		}
		v.dtype, v.shape = graph.DType(dt), shape
	})
	return v.metaErr
}

// Data is a view of the tensor's memory as []T, valid until v is closed;
// copy what you keep. T must match the element type (uint16 also views
// float16 and bfloat16). Writing through the view changes the tensor.
func Data[T Element](v *Value) ([]T, error) {
	dt, err := v.DType()
	if err != nil {
		return nil, err
	}
	want := dtypeOf[T]()
	if dt != want && !(want == graph.Uint16 && (dt == graph.Float16 || dt == graph.BFloat16)) {
		return nil, fmt.Errorf("tensor data: %w: tensor is %v, asked for %v", ErrDType, dt, want)
	}
	n := numElements(v.shape)
	if n == 0 {
		return []T{}, nil
	}
	h, err := v.handle()
	if err != nil {
		return nil, err
	}
	var p unsafe.Pointer
	if err := v.api.status("get tensor data", v.api.getTensorMutableData(h, &p)); err != nil {
		return nil, err
	}
	return unsafe.Slice((*T)(p), n), nil
}

// Bytes is a view of the tensor's memory as bytes, valid until v is
// closed.
func (v *Value) Bytes() ([]byte, error) {
	dt, err := v.DType()
	if err != nil {
		return nil, err
	}
	n := numElements(v.shape) * dt.Size()
	if n == 0 {
		return []byte{}, nil
	}
	h, err := v.handle()
	if err != nil {
		return nil, err
	}
	var p unsafe.Pointer
	if err := v.api.status("get tensor data", v.api.getTensorMutableData(h, &p)); err != nil {
		return nil, err
	}
	return unsafe.Slice((*byte)(p), n), nil
}

// numElements is the product of shape.
func numElements(shape []int64) int {
	n := 1
	for _, d := range shape {
		n *= int(d)
	}
	return n
}
