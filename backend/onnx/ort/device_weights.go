package ort

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// DeviceWeights keeps one copy of each external weight in a device's
// memory and hands that same copy to every session that declares the
// weight (SessionOptions.Weights). ONNX Runtime uses a weight supplied
// with AddInitializer only when it already lives where the session plans
// to read it; a CPU copy given to a CUDA session would be re-read from the
// graph's external-data stub, and each session would hold its own device
// copy. With DeviceWeights the sessions of a model (a decoder layer, its
// knockout tail and its recompute graph share most of their weights)
// share one copy per weight.
//
// Each copy is a buffer taken from the device allocator of a one-node
// Identity session on the device (AddInitializer accepts only buffers the
// caller owns), filled by running that session with its output bound to
// the buffer. Close releases the copies; close it after every session
// that uses them.
type DeviceWeights struct {
	rt   *Runtime
	opts SessionOptions // of the upload sessions

	mu        sync.Mutex
	closed    bool
	mem       memoryInfoHandle
	alloc     allocatorHandle     // the first upload session's allocator for mem
	allocFrom *Session            // the session alloc belongs to
	uploaders map[string]*Session // by dtype and rank
	values    map[string]deviceWeight
	bytes     int64
}

// deviceWeight is one uploaded weight and what it was made from.
type deviceWeight struct {
	v      *Value
	buffer unsafe.Pointer // device memory, freed with alloc
	data   unsafe.Pointer
	size   int
}

// NewDeviceWeights prepares a weight cache on opts.Device; opts also
// configure the upload sessions (threads, CUDA options).
func (r *Runtime) NewDeviceWeights(opts SessionOptions) (*DeviceWeights, error) {
	mem, err := r.deviceMemoryInfo(opts.Device)
	if err != nil {
		return nil, err
	}
	opts.Weights = nil
	if opts.Device.Kind == CUDA {
		cuda := map[string]string{"arena_extend_strategy": "kSameAsRequested"}
		for k, v := range opts.CUDAOptions {
			cuda[k] = v
		}
		opts.CUDAOptions = cuda
	}
	return &DeviceWeights{rt: r, opts: opts, mem: mem, uploaders: map[string]*Session{}, values: map[string]deviceWeight{}}, nil
}

// deviceMemoryInfo is the memory info of d's default memory; the caller
// releases it.
func (r *Runtime) deviceMemoryInfo(d Device) (memoryInfoHandle, error) {
	var name string
	switch d.Kind {
	case CPU:
		name = "Cpu"
	case CUDA:
		name = "Cuda"
	default:
		return 0, fmt.Errorf("memory info of %v: %w", d, ErrInvalidArgument)
	}
	var h memoryInfoHandle
	if err := r.api.status("create memory info for "+d.String(), r.api.createMemoryInfo(name, ortArenaAllocator, int32(d.ID), ortMemTypeDefault, &h)); err != nil {
		return 0, err
	}
	return h, nil
}

// Device is where the copies live.
func (w *DeviceWeights) Device() Device { return w.opts.Device }

// Bytes is the size of every weight uploaded so far.
func (w *DeviceWeights) Bytes() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.bytes
}

// value returns the device copy of the external weight e, uploading it on
// first use. A weight is known by its name; declaring the same name over
// other bytes is an error.
func (w *DeviceWeights) value(e graph.External) (*Value, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil, fmt.Errorf("device weights: %w", ErrClosed)
	}
	data := unsafe.Pointer(unsafe.SliceData(e.Data))
	if dw, ok := w.values[e.Name]; ok {
		if dw.data != data || dw.size != len(e.Data) {
			return nil, fmt.Errorf("device weights: %q declared over two different buffers: %w", e.Name, ErrInvalidArgument)
		}
		return dw.v, nil
	}
	dw, err := w.upload(e)
	if err != nil {
		return nil, fmt.Errorf("upload weight %q to %v: %w", e.Name, w.opts.Device, err)
	}
	dw.data, dw.size = data, len(e.Data)
	w.values[e.Name] = dw
	w.bytes += int64(len(e.Data))
	return dw.v, nil
}

// upload copies e into a device buffer with the Identity session of its
// dtype and rank.
func (w *DeviceWeights) upload(e graph.External) (deviceWeight, error) {
	s, err := w.uploader(e.DType, len(e.Dims))
	if err != nil {
		return deviceWeight{}, err
	}
	a := w.rt.api
	var dw deviceWeight
	size := max(len(e.Data), 1)
	if err := a.status("allocate device memory", a.allocatorAlloc(w.alloc, uintptr(size), &dw.buffer)); err != nil {
		return deviceWeight{}, err
	}
	var h valueHandle
	if err := a.status("create device tensor", a.createTensorWithDataAsOrtValue(
		w.mem, dw.buffer, uintptr(len(e.Data)), shapePointer(e.Dims), uintptr(len(e.Dims)), int32(e.DType), &h)); err != nil {
		a.allocatorFree(w.alloc, dw.buffer)
		return deviceWeight{}, err
	}
	dw.v = newValue(a, h, nil, nil).knownMeta(e.DType, e.Dims)
	fail := func(err error) (deviceWeight, error) {
		dw.v.Close()
		a.allocatorFree(w.alloc, dw.buffer)
		return deviceWeight{}, err
	}
	if len(e.Data) == 0 {
		return dw, nil
	}
	in, err := NewTensorBytes(w.rt, e.DType, e.Dims, e.Data)
	if err != nil {
		return fail(err)
	}
	defer in.Close()
	b, err := s.NewIoBinding()
	if err != nil {
		return fail(err)
	}
	defer b.Close()
	if err := b.BindInput("x", in); err != nil {
		return fail(err)
	}
	if err := b.BindOutput("y", dw.v); err != nil {
		return fail(err)
	}
	if err := b.Run(); err != nil {
		return fail(err)
	}
	if err := b.Synchronize(); err != nil {
		return fail(err)
	}
	return dw, nil
}

// uploader returns the Identity session for tensors of dt and rank; the
// first one also provides the allocator of the device buffers.
func (w *DeviceWeights) uploader(dt graph.DType, rank int) (*Session, error) {
	key := fmt.Sprintf("%v/%d", dt, rank)
	if s, ok := w.uploaders[key]; ok {
		return s, nil
	}
	dims := make([]any, rank)
	for i := range dims {
		dims[i] = fmt.Sprintf("d%d", i)
	}
	b := graph.New("upload_"+strings.ReplaceAll(key, "/", "_"), graph.MinOpset)
	b.Output(b.Identity(b.Input("x", dt, dims...)), "y")
	m, err := b.Build()
	if err != nil {
		return nil, err
	}
	s, err := w.rt.NewSession(m, w.opts)
	if err != nil {
		return nil, err
	}
	if w.allocFrom == nil {
		if err := w.rt.api.status("create the device allocator", w.rt.api.createAllocator(s.res.h, w.mem, &w.alloc)); err != nil {
			s.Close()
			return nil, err
		}
		w.allocFrom = s
	}
	w.uploaders[key] = s
	return s, nil
}

// Close releases the device copies and the upload sessions. It is
// idempotent; close the sessions using the weights first.
func (w *DeviceWeights) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	a := w.rt.api
	var errs []error
	for _, dw := range w.values {
		errs = append(errs, dw.v.Close())
		errs = append(errs, a.status("free device memory", a.allocatorFree(w.alloc, dw.buffer)))
	}
	if w.allocFrom != nil {
		a.releaseAllocator(w.alloc)
	}
	for _, s := range w.uploaders {
		errs = append(errs, s.Close())
	}
	w.values, w.uploaders = nil, nil
	a.releaseMemoryInfo(w.mem)
	return errors.Join(errs...)
}
