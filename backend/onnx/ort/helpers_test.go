package ort_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
)

// maxRelTolerance is the acceptance bound for float32 graphs against
// float64 Go loops: |a−b|/max(1,|b|).
const maxRelTolerance = 1e-6

// newRuntime loads the library FindLibrary finds, or skips the test.
func newRuntime(tb testing.TB) *ort.Runtime { return orttest.Runtime(tb) }

// newSession builds b and creates a session, closed at cleanup.
func newSession(tb testing.TB, r *ort.Runtime, b *graph.Builder, opts ort.SessionOptions) *ort.Session {
	tb.Helper()
	m, err := b.Build()
	if err != nil {
		tb.Fatalf("Build: %v", err)
	}
	s, err := r.NewSession(m, opts)
	if err != nil {
		tb.Fatalf("NewSession: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// tensor makes a tensor over data, closed at cleanup.
func tensor[T ort.Element](tb testing.TB, r *ort.Runtime, shape []int64, data []T) *ort.Value {
	tb.Helper()
	v, err := ort.NewTensor(r, shape, data)
	if err != nil {
		tb.Fatalf("NewTensor %v: %v", shape, err)
	}
	tb.Cleanup(func() { _ = v.Close() })
	return v
}

// run runs s and returns the outputs, closed at cleanup.
func run(tb testing.TB, s *ort.Session, inputs []ort.Named, outputs ...string) []*ort.Value {
	tb.Helper()
	outs, err := s.Run(inputs, outputs)
	if err != nil {
		tb.Fatalf("Run: %v", err)
	}
	tb.Cleanup(func() {
		for _, o := range outs {
			_ = o.Close()
		}
	})
	return outs
}

// data copies a tensor out as float64, checking its shape.
func data[T float32 | float64](tb testing.TB, v *ort.Value, shape ...int64) []float64 {
	tb.Helper()
	got, err := v.Shape()
	if err != nil {
		tb.Fatalf("Shape: %v", err)
	}
	if len(got) != len(shape) {
		tb.Fatalf("shape %v, want %v", got, shape)
	}
	for i := range got {
		if got[i] != shape[i] {
			tb.Fatalf("shape %v, want %v", got, shape)
		}
	}
	raw, err := ort.Data[T](v)
	if err != nil {
		tb.Fatalf("Data: %v", err)
	}
	out := make([]float64, len(raw))
	for i, x := range raw {
		out[i] = float64(x)
	}
	return out
}

// maxRel is max |a−b|/max(1,|b|) over the elements.
func maxRel(tb testing.TB, got, want []float64) float64 {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("%d values, want %d", len(got), len(want))
	}
	m := 0.0
	for i := range got {
		m = max(m, math.Abs(got[i]-want[i])/max(1, math.Abs(want[i])))
	}
	return m
}

// checkRel fails when maxRel exceeds tol and logs the measured value.
func checkRel(tb testing.TB, what string, got, want []float64, tol float64) {
	tb.Helper()
	m := maxRel(tb, got, want)
	tb.Logf("%s: maxrel %.3g", what, m)
	if m > tol {
		tb.Errorf("%s: maxrel %.3g > %.1g", what, m, tol)
	}
}

// randomFloat32 is n values uniform in [-1, 1) from a seeded source.
func randomFloat32(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(2*rng.Float64() - 1)
	}
	return v
}

func widen(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
