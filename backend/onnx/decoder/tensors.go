package decoder

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// Inputs is a set of ORT values created for one Run; Close releases them
// all. It keeps call sites short where a Run needs several inputs.
type Inputs []*ort.Value

// Close releases every value.
func (vs *Inputs) Close() {
	for _, v := range *vs {
		v.Close()
	}
	*vs = nil
}

// Add creates a dt tensor from float64 values and remembers it.
func (vs *Inputs) Add(rt *ort.Runtime, dt graph.DType, shape []int64, data []float64) (*ort.Value, error) {
	var (
		v   *ort.Value
		err error
	)
	switch dt {
	case graph.Float32:
		f := make([]float32, len(data))
		convert(f, data)
		v, err = ort.NewTensor(rt, shape, f)
	case graph.Float64:
		v, err = ort.NewTensor(rt, shape, data)
	default:
		err = fmt.Errorf("compute dtype %v: %w", dt, ErrUnsupported)
	}
	if err != nil {
		return nil, err
	}
	*vs = append(*vs, v)
	return v, nil
}

// Add32 creates a dt tensor from float32 values (no copy for float32).
func (vs *Inputs) Add32(rt *ort.Runtime, dt graph.DType, shape []int64, data []float32) (*ort.Value, error) {
	if dt != graph.Float32 {
		wide := make([]float64, len(data))
		for i, x := range data {
			wide[i] = float64(x)
		}
		return vs.Add(rt, dt, shape, wide)
	}
	v, err := ort.NewTensor(rt, shape, data)
	if err != nil {
		return nil, err
	}
	*vs = append(*vs, v)
	return v, nil
}

// AddBool creates a bool tensor.
func (vs *Inputs) AddBool(rt *ort.Runtime, shape []int64, data []bool) (*ort.Value, error) {
	v, err := ort.NewTensor(rt, shape, data)
	if err != nil {
		return nil, err
	}
	*vs = append(*vs, v)
	return v, nil
}

// Float64s copies a float32 or float64 ORT value out as float64.
func Float64s(v *ort.Value) ([]float64, error) { return float64sInto(nil, v) }

// CloseAll releases values, skipping nil ones.
func CloseAll(vs []*ort.Value) {
	for _, v := range vs {
		if v != nil {
			v.Close()
		}
	}
}
