package ort

import "fmt"

// Output names a graph output and the device whose memory it should be
// written to.
type Output struct {
	Name   string
	Device Device
}

// RunBound runs the session with inputs that may live on any device (a
// previous RunBound's device outputs included) and writes each output to
// the memory of the device asked for: on a GPU, outputs that only feed the
// next run stay in device memory instead of crossing to the host and back.
// It returns the outputs in order; the caller closes them. Outputs on the
// CPU are read with Data as usual; device outputs only feed other runs.
func (s *Session) RunBound(inputs []Named, outputs []Output) ([]*Value, error) {
	if len(outputs) == 0 {
		return nil, fmt.Errorf("%s: no outputs: %w", s.op("run"), ErrInvalidArgument)
	}
	b, err := s.NewIoBinding()
	if err != nil {
		return nil, err
	}
	defer b.Close()
	for _, in := range inputs {
		if err := b.BindInput(in.Name, in.Value); err != nil {
			return nil, err
		}
	}
	for _, o := range outputs {
		if err := b.BindOutputTo(o.Name, o.Device); err != nil {
			return nil, err
		}
	}
	if err := b.Run(); err != nil {
		return nil, err
	}
	if err := b.Synchronize(); err != nil {
		return nil, err
	}
	values, err := b.Outputs()
	if err != nil {
		return nil, err
	}
	if len(values) != len(outputs) {
		for _, v := range values {
			v.Close()
		}
		return nil, fmt.Errorf("%s: %d outputs for %d bound", s.op("run bound"), len(values), len(outputs))
	}
	for i, v := range values {
		v.device = outputs[i].Device
	}
	return values, nil
}
