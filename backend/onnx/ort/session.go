package ort

import (
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"unsafe"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// Session is a model loaded into ONNX Runtime. Run and RunInto are safe
// for concurrent use; Close waits for running calls.
type Session struct {
	api     *api
	rt      *Runtime
	name    string
	inputs  []string
	outputs []string

	mu      sync.RWMutex // read-held by every call into the session, write-held by Close
	closed  bool
	res     *sessionResources
	cleanup runtime.Cleanup
}

// sessionResources is what closing a Session frees, kept apart from the
// Session so the leak cleanup does not keep the Session reachable.
type sessionResources struct {
	rt       *Runtime
	h        sessionHandle
	inits    []*valueResources        // external weights, pinned for the session's life
	weights  *DeviceWeights           // device copies of the weights this session alone uses
	bindings map[ioBindingHandle]bool // open IoBindings; guarded by Session.mu
}

func (res *sessionResources) free() {
	a := res.rt.api
	for b := range res.bindings {
		a.releaseIoBinding(b)
	}
	a.releaseSession(res.h)
	for _, v := range res.inits {
		v.free()
	}
	if res.weights != nil {
		_ = res.weights.Close()
	}
	res.rt.release()
}

// NewSession creates a session from a built graph. Its external weights
// are handed to ONNX Runtime in place (AddInitializer over their bytes, no
// copy unless opts.Prepacking), so their memory must stay unchanged in
// size and alive until the session is closed; Go memory among them is
// pinned until then.
func (r *Runtime) NewSession(m *graph.Model, opts SessionOptions) (*Session, error) {
	if m == nil || m.Proto == nil {
		return nil, fmt.Errorf("create session: nil model: %w", ErrInvalidArgument)
	}
	name := m.Proto.GetGraph().GetName()
	model, err := m.Marshal()
	if err != nil {
		return nil, fmt.Errorf("create session %q: %w", name, err)
	}
	return r.newSession(name, model, m.Externals, opts)
}

// NewSessionFromBytes creates a session from a serialized ONNX model. The
// bytes are not kept.
func (r *Runtime) NewSessionFromBytes(model []byte, opts SessionOptions) (*Session, error) {
	return r.newSession("", model, nil, opts)
}

func (r *Runtime) newSession(name string, model []byte, externals []graph.External, opts SessionOptions) (*Session, error) {
	op := "create session"
	if name != "" {
		op += " " + strconv.Quote(name)
	}
	if len(model) == 0 {
		return nil, fmt.Errorf("%s: empty model: %w", op, ErrInvalidArgument)
	}
	if err := r.acquire(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	res := &sessionResources{rt: r, bindings: map[ioBindingHandle]bool{}}
	done := false
	defer func() {
		if !done {
			for _, v := range res.inits {
				v.free()
			}
			if res.weights != nil {
				_ = res.weights.Close()
			}
			r.release()
		}
	}()
	if opts.Device.Kind != CPU && opts.Weights == nil && len(externals) > 0 {
		// A device session reads its weights from device memory: give it
		// copies of its own (models share one cache among their sessions).
		dw, err := r.NewDeviceWeights(opts)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		res.weights, opts.Weights = dw, dw
	}

	a := r.api
	h, err := r.newNativeOptions(opts, len(externals) > 0)
	if err != nil {
		return nil, err
	}
	defer a.releaseSessionOptions(h)
	for _, e := range externals {
		var vh valueHandle
		if opts.Weights != nil {
			dv, err := opts.Weights.value(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", op, err)
			}
			if vh, err = dv.handle(); err != nil {
				return nil, fmt.Errorf("%s: %w", op, err)
			}
		} else {
			v, err := r.initializer(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", op, err)
			}
			res.inits = append(res.inits, v)
			vh = v.h
		}
		if err := a.status(fmt.Sprintf("%s: add initializer %q", op, e.Name), a.addInitializer(h, e.Name, vh)); err != nil {
			return nil, err
		}
	}
	if err := a.status(op, a.createSessionFromArray(r.env, unsafe.Pointer(&model[0]), uintptr(len(model)), h, &res.h)); err != nil {
		return nil, err
	}
	runtime.KeepAlive(model)
	s := &Session{api: a, rt: r, name: name, res: res}
	if s.inputs, err = r.sessionNames(res.h, a.sessionGetInputCount, a.sessionGetInputName); err == nil {
		s.outputs, err = r.sessionNames(res.h, a.sessionGetOutputCount, a.sessionGetOutputName)
	}
	if err != nil {
		a.releaseSession(res.h)
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	done = true
	s.cleanup = runtime.AddCleanup(s, (*sessionResources).free, res)
	return s, nil
}

// initializer wraps an external weight's bytes in a pinned OrtValue.
func (r *Runtime) initializer(e graph.External) (*valueResources, error) {
	if !e.DType.Valid() {
		return nil, fmt.Errorf("external %q: %w: %v", e.Name, ErrDType, e.DType)
	}
	n, err := checkShape(e.Dims)
	if err != nil {
		return nil, fmt.Errorf("external %q: %w", e.Name, err)
	}
	if len(e.Data) != n*e.DType.Size() {
		return nil, fmt.Errorf("external %q %v %v: %w: %d bytes", e.Name, e.DType, e.Dims, ErrShape, len(e.Data))
	}
	res := &valueResources{api: r.api}
	if n == 0 {
		err = r.api.status("create empty initializer", r.api.createTensorAsOrtValue(r.alloc, shapePointer(e.Dims), uintptr(len(e.Dims)), int32(e.DType), &res.h))
	} else {
		p := unsafe.Pointer(unsafe.SliceData(e.Data))
		res.pins = new(runtime.Pinner)
		res.pins.Pin(p)
		err = r.api.status(fmt.Sprintf("wrap external %q", e.Name), r.api.createTensorWithDataAsOrtValue(
			r.cpu, p, uintptr(len(e.Data)), shapePointer(e.Dims), uintptr(len(e.Dims)), int32(e.DType), &res.h))
	}
	if err != nil {
		if res.pins != nil {
			res.pins.Unpin()
		}
		return nil, err
	}
	return res, nil
}

// sessionNames reads the session's input or output names.
func (r *Runtime) sessionNames(h sessionHandle, count func(sessionHandle, *uintptr) statusHandle,
	name func(sessionHandle, uintptr, allocatorHandle, *unsafe.Pointer) statusHandle) ([]string, error) {
	a := r.api
	var n uintptr
	if err := a.status("get session input/output count", count(h, &n)); err != nil {
		return nil, err
	}
	names := make([]string, n)
	for i := range names {
		var p unsafe.Pointer
		if err := a.status("get session input/output name", name(h, uintptr(i), r.alloc, &p)); err != nil {
			return nil, err
		}
		names[i] = goString(p)
		if err := a.status("free session input/output name", a.allocatorFree(r.alloc, p)); err != nil {
			return nil, err
		}
	}
	return names, nil
}

// Name is the graph's name ("" for sessions made from bytes).
func (s *Session) Name() string { return s.name }

// InputNames are the model's graph input names, in order.
func (s *Session) InputNames() []string { return append([]string(nil), s.inputs...) }

// OutputNames are the model's graph output names, in order.
func (s *Session) OutputNames() []string { return append([]string(nil), s.outputs...) }

// Close releases the session, its IoBindings, and then its external
// weights (unpinning them). It waits for running calls and is idempotent.
func (s *Session) Close() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.cleanup.Stop()
	s.res.free()
	return nil
}

// op names an operation on this session for errors.
func (s *Session) op(what string) string {
	if s.name == "" {
		return what + " session"
	}
	return what + " session " + strconv.Quote(s.name)
}

// closedError is ErrClosed with the session's name.
func (s *Session) closedError() error {
	return fmt.Errorf("%s: %w", s.op("use"), ErrClosed)
}
