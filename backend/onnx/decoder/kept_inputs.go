package decoder

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// keptInputs are one layer's inputs at every position so far, kept on the
// host for the brute-force method in the dtype the layer computed them in:
// float32 inputs widened to float64 would take twice the memory and carry
// nothing more.
type keptInputs struct {
	f32 []float32
	f64 []float64
}

// append adds a host value's rows.
func (k *keptInputs) append(v *ort.Value) error {
	dt, err := v.DType()
	if err != nil {
		return err
	}
	switch dt {
	case graph.Float32:
		src, err := ort.Data[float32](v)
		if err != nil {
			return err
		}
		k.f32 = append(k.f32, src...)
	case graph.Float64:
		src, err := ort.Data[float64](v)
		if err != nil {
			return err
		}
		k.f64 = append(k.f64, src...)
	default:
		return fmt.Errorf("layer inputs in %v: %w", dt, ErrUnsupported)
	}
	return nil
}

// len is the number of values kept.
func (k *keptInputs) len() int { return len(k.f32) + len(k.f64) }

// value is the kept rows as a dt tensor of the given shape, remembered by
// in (no copy when the dtypes agree).
func (k *keptInputs) value(in *Inputs, rt *ort.Runtime, dt graph.DType, shape []int64) (*ort.Value, error) {
	if k.f64 != nil {
		return in.Add(rt, dt, shape, k.f64)
	}
	return in.Add32(rt, dt, shape, k.f32)
}
