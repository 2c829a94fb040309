package ort

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"
)

// Named pairs a graph input or output name with a tensor.
type Named struct {
	Name  string
	Value *Value
}

// Run runs the session on inputs and returns the named outputs, allocated
// by ONNX Runtime on the CPU; the caller closes them. Inputs not listed
// keep no default: every graph input must be fed. Run is safe for
// concurrent use.
func (s *Session) Run(inputs []Named, outputNames []string) ([]*Value, error) {
	if len(outputNames) == 0 {
		return nil, fmt.Errorf("%s: no output names: %w", s.op("run"), ErrInvalidArgument)
	}
	outs := make([]valueHandle, len(outputNames))
	if err := s.run(inputs, outputNames, outs); err != nil {
		for _, h := range outs {
			if h != 0 {
				s.api.releaseValue(h)
			}
		}
		return nil, err
	}
	values := make([]*Value, len(outs))
	for i, h := range outs {
		values[i] = newValue(s.api, h, nil, nil)
	}
	return values, nil
}

// RunInto runs the session, writing each output into the tensor given for
// it (e.g. Go memory from NewTensor), which must have the output's exact
// type and shape. RunInto is safe for concurrent use as long as calls do
// not share output tensors.
func (s *Session) RunInto(inputs []Named, outputs []Named) error {
	if len(outputs) == 0 {
		return fmt.Errorf("%s: no outputs: %w", s.op("run"), ErrInvalidArgument)
	}
	names := make([]string, len(outputs))
	handles := make([]valueHandle, len(outputs))
	for i, o := range outputs {
		h, err := o.Value.handle()
		if err != nil {
			return fmt.Errorf("%s: output %q: %w", s.op("run"), o.Name, err)
		}
		names[i], handles[i] = o.Name, h
	}
	err := s.run(inputs, names, handles)
	runtime.KeepAlive(outputs)
	return err
}

// run calls OrtApi Run with per-call pinned name arrays; outs holds NULL
// for outputs ORT should allocate, or the tensors to fill.
func (s *Session) run(inputs []Named, outputNames []string, outs []valueHandle) error {
	if err := s.checkFed(inputs); err != nil {
		return err
	}
	inNames := make([]string, len(inputs))
	inHandles := make([]valueHandle, len(inputs))
	for i, in := range inputs {
		h, err := in.Value.handle()
		if err != nil {
			return fmt.Errorf("%s: input %q: %w", s.op("run"), in.Name, err)
		}
		inNames[i], inHandles[i] = in.Name, h
	}
	cin, err := newCStrings(inNames)
	if err != nil {
		return fmt.Errorf("%s: %w", s.op("run"), err)
	}
	defer cin.free()
	cout, err := newCStrings(outputNames)
	if err != nil {
		return fmt.Errorf("%s: %w", s.op("run"), err)
	}
	defer cout.free()
	var inPtr unsafe.Pointer
	if len(inHandles) > 0 {
		inPtr = unsafe.Pointer(&inHandles[0])
	}

	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return s.closedError()
	}
	st := s.api.run(s.res.h, 0, cin.ptr(), inPtr, uintptr(len(inHandles)), cout.ptr(), uintptr(len(outs)), unsafe.Pointer(&outs[0]))
	runtime.KeepAlive(inputs)
	return s.api.status(s.op("run"), st)
}

// checkFed reports a graph input missing from inputs; ONNX Runtime would
// only notice inside the first kernel that reads it, with a vaguer error.
func (s *Session) checkFed(inputs []Named) error {
	for _, want := range s.inputs {
		fed := false
		for _, in := range inputs {
			if in.Name == want {
				fed = true
				break
			}
		}
		if !fed {
			return fmt.Errorf("%s: %w: %q (graph inputs: %s)", s.op("run"), ErrMissingInput, want, strings.Join(s.inputs, ", "))
		}
	}
	return nil
}
