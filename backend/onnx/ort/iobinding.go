package ort

import (
	"fmt"
	"sync"
	"unsafe"
)

// IoBinding binds a session's inputs and outputs to tensors once, for
// repeated runs without passing names each time. It keeps every bound
// Value referenced until it is cleared or closed. An IoBinding is not
// meant for concurrent use; give each goroutine its own.
type IoBinding struct {
	s *Session
	h ioBindingHandle

	mu      sync.Mutex
	closed  bool
	inputs  map[string]*Value
	outputs map[string]*Value
}

// NewIoBinding creates an empty binding on s. Closing s closes it too.
func (s *Session) NewIoBinding() (*IoBinding, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, s.closedError()
	}
	b := &IoBinding{s: s, inputs: map[string]*Value{}, outputs: map[string]*Value{}}
	if err := s.api.status(s.op("create binding for"), s.api.createIoBinding(s.res.h, &b.h)); err != nil {
		return nil, err
	}
	s.res.bindings[b.h] = true
	return b, nil
}

// with runs f while both the binding and its session are open.
func (b *IoBinding) with(f func() error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.s.mu.RLock()
	defer b.s.mu.RUnlock()
	if b.closed || b.s.closed {
		return fmt.Errorf("%s: binding: %w", b.s.op("use"), ErrClosed)
	}
	return f()
}

// BindInput feeds v to the graph input name on every Run.
func (b *IoBinding) BindInput(name string, v *Value) error {
	return b.with(func() error {
		h, err := v.handle()
		if err != nil {
			return fmt.Errorf("%s: input %q: %w", b.s.op("bind"), name, err)
		}
		if err := b.s.api.status(fmt.Sprintf("%s: input %q", b.s.op("bind"), name), b.s.api.bindInput(b.h, name, h)); err != nil {
			return err
		}
		b.inputs[name] = v
		return nil
	})
}

// BindOutput makes every Run write the graph output name into v, which
// must have the output's exact type and shape.
func (b *IoBinding) BindOutput(name string, v *Value) error {
	return b.with(func() error {
		h, err := v.handle()
		if err != nil {
			return fmt.Errorf("%s: output %q: %w", b.s.op("bind"), name, err)
		}
		if err := b.s.api.status(fmt.Sprintf("%s: output %q", b.s.op("bind"), name), b.s.api.bindOutput(b.h, name, h)); err != nil {
			return err
		}
		b.outputs[name] = v
		return nil
	})
}

// BindOutputToCPU lets ONNX Runtime allocate the graph output name in CPU
// memory on each Run; read it with Outputs.
func (b *IoBinding) BindOutputToCPU(name string) error {
	return b.with(func() error {
		err := b.s.api.status(fmt.Sprintf("%s: output %q to CPU", b.s.op("bind"), name), b.s.api.bindOutputToDevice(b.h, name, b.s.rt.cpu))
		if err == nil {
			delete(b.outputs, name)
		}
		return err
	})
}

// BindOutputTo lets ONNX Runtime allocate the graph output name in the
// memory of device d on each Run (CUDA: device memory, read it back by
// binding it as another run's input); read it with Outputs.
func (b *IoBinding) BindOutputTo(name string, d Device) error {
	if d.Kind == CPU {
		return b.BindOutputToCPU(name)
	}
	mem, err := b.s.rt.deviceMemoryInfo(d)
	if err != nil {
		return err
	}
	defer b.s.api.releaseMemoryInfo(mem)
	return b.bindOutputTo(name, mem)
}

func (b *IoBinding) bindOutputTo(name string, mem memoryInfoHandle) error {
	return b.with(func() error {
		err := b.s.api.status(fmt.Sprintf("%s: output %q to device", b.s.op("bind"), name), b.s.api.bindOutputToDevice(b.h, name, mem))
		if err == nil {
			delete(b.outputs, name)
		}
		return err
	})
}

// Synchronize waits for the copies of bound inputs and outputs a Run
// started (device memory is written asynchronously).
func (b *IoBinding) Synchronize() error {
	return b.with(func() error {
		if err := b.s.api.status(b.s.op("synchronize inputs of"), b.s.api.synchronizeBoundInputs(b.h)); err != nil {
			return err
		}
		return b.s.api.status(b.s.op("synchronize outputs of"), b.s.api.synchronizeBoundOutputs(b.h))
	})
}

// Run runs the session with the bound inputs and outputs.
func (b *IoBinding) Run() error {
	return b.with(func() error {
		return b.s.api.status(b.s.op("run bound"), b.s.api.runWithBinding(b.s.res.h, 0, b.h))
	})
}

// Outputs returns the bound outputs in binding order, as new Values the
// caller closes (for outputs bound to tensors, new references to them).
func (b *IoBinding) Outputs() ([]*Value, error) {
	var values []*Value
	err := b.with(func() error {
		a, alloc := b.s.api, b.s.rt.alloc
		var arr unsafe.Pointer
		var n uintptr
		if err := a.status(b.s.op("get bound outputs of"), a.getBoundOutputValues(b.h, alloc, &arr, &n)); err != nil {
			return err
		}
		if n == 0 || arr == nil {
			return nil
		}
		for _, h := range unsafe.Slice((*valueHandle)(arr), n) {
			values = append(values, newValue(a, h, nil, nil))
		}
		return a.status("free bound output array", a.allocatorFree(alloc, arr))
	})
	return values, err
}

// ClearBoundInputs unbinds every input.
func (b *IoBinding) ClearBoundInputs() error {
	return b.with(func() error {
		b.s.api.clearBoundInputs(b.h)
		clear(b.inputs)
		return nil
	})
}

// ClearBoundOutputs unbinds every output.
func (b *IoBinding) ClearBoundOutputs() error {
	return b.with(func() error {
		b.s.api.clearBoundOutputs(b.h)
		clear(b.outputs)
		return nil
	})
}

// Close releases the binding and drops its references to bound Values. It
// is idempotent; a binding whose session is closed is already released.
func (b *IoBinding) Close() error {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	if !s.closed {
		s.api.releaseIoBinding(b.h)
		delete(s.res.bindings, b.h)
	}
	b.inputs, b.outputs = nil, nil
	return nil
}
