package blocks

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// tensor is a float64 test tensor with its shape.
type tensor struct {
	shape []int64
	data  []float64
}

func randn(rng *rand.Rand, scale float64, shape ...int64) tensor {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	t := tensor{shape: shape, data: make([]float64, n)}
	for i := range t.data {
		t.data[i] = rng.NormFloat64() * scale
	}
	return t
}

// weight declares t as a float64 constant weight of b.
func weight(b *graph.Builder, name string, t tensor) *graph.Value {
	return b.Weight(name, graph.Float64, t.shape, weights.Float64Bytes(t.data))
}

// runGraph runs a float64 graph on the CPU and returns its named outputs.
func runGraph(t *testing.T, rt *ort.Runtime, b *graph.Builder, inputs map[string]tensor, outputs ...string) map[string][]float64 {
	t.Helper()
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	s, err := rt.NewSession(m, ort.SessionOptions{OptimizationLevel: ort.OptimizeBasic})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var named []ort.Named
	for name, in := range inputs {
		v, err := ort.NewTensor(rt, in.shape, in.data)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		named = append(named, ort.Named{Name: name, Value: v})
	}
	outs, err := s.Run(named, outputs)
	if err != nil {
		t.Fatal(err)
	}
	res := map[string][]float64{}
	for i, o := range outs {
		d, err := ort.Data[float64](o)
		if err != nil {
			t.Fatal(err)
		}
		res[outputs[i]] = append([]float64(nil), d...)
		o.Close()
	}
	return res
}

// near fails the test when got and want differ by more than tol anywhere.
func near(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if d := math.Abs(got[i] - want[i]); !(d <= tol*(1+math.Abs(want[i]))) {
			t.Fatalf("%s[%d] = %.17g, want %.17g (|Δ| %.3g)", what, i, got[i], want[i], d)
		}
	}
}

// checkpointOf writes named float64 tensors as an F64 safetensors
// checkpoint in a temporary directory and opens it as a weight store.
func checkpointOf(t *testing.T, named map[string]tensor) *weights.Store {
	t.Helper()
	var ts []safetensors.Tensor
	for name, x := range named {
		raw := make([]byte, 8*len(x.data))
		for i, v := range x.data {
			binary.LittleEndian.PutUint64(raw[8*i:], math.Float64bits(v))
		}
		ts = append(ts, safetensors.Tensor{Name: name, DType: safetensors.F64, Shape: x.shape, Data: raw})
	}
	dir := t.TempDir()
	if err := safetensors.WriteFile(filepath.Join(dir, "model.safetensors"), ts, nil); err != nil {
		t.Fatal(err)
	}
	set, err := safetensors.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { set.Close() })
	return weights.NewStore(set, graph.Float64)
}

func runtime(t *testing.T) *ort.Runtime { return orttest.Runtime(t) }

type runtimeT = *ort.Runtime

// runModelBool runs a built float64 model whose bools inputs are given as
// 0/1 values.
func runModelBool(t *testing.T, rt *ort.Runtime, m *graph.Model, inputs, bools map[string]tensor, outputs ...string) map[string][]float64 {
	t.Helper()
	return runModelWith(t, rt, m, inputs, bools, nil, outputs...)
}

// runModelWith runs a built float64 model whose bool inputs (bools) are
// given as 0/1 values and whose int64 inputs (ints) as float64 values.
func runModelWith(t *testing.T, rt *ort.Runtime, m *graph.Model, inputs, bools, ints map[string]tensor, outputs ...string) map[string][]float64 {
	t.Helper()
	s, err := rt.NewSession(m, ort.SessionOptions{OptimizationLevel: ort.OptimizeBasic})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var named []ort.Named
	add := func(name string, v *ort.Value, err error) {
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { v.Close() })
		named = append(named, ort.Named{Name: name, Value: v})
	}
	for name, in := range inputs {
		v, err := ort.NewTensor(rt, in.shape, in.data)
		add(name, v, err)
	}
	for name, in := range bools {
		b := make([]bool, len(in.data))
		for i, x := range in.data {
			b[i] = x != 0
		}
		v, err := ort.NewTensor(rt, in.shape, b)
		add(name, v, err)
	}
	for name, in := range ints {
		vals := make([]int64, len(in.data))
		for i, x := range in.data {
			vals[i] = int64(x)
		}
		v, err := ort.NewTensor(rt, in.shape, vals)
		add(name, v, err)
	}
	outs, err := s.Run(named, outputs)
	if err != nil {
		t.Fatal(err)
	}
	defer closeValues(outs)
	res := map[string][]float64{}
	for i, o := range outs {
		d, err := ort.Data[float64](o)
		if err != nil {
			t.Fatal(err)
		}
		res[outputs[i]] = append([]float64(nil), d...)
	}
	return res
}

// closeValues releases values.
func closeValues(vs []*ort.Value) {
	for _, v := range vs {
		v.Close()
	}
}
