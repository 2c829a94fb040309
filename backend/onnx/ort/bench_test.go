package ort_test

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// tinyAdd is y = x + x on [1,4]: a Run that costs almost nothing inside
// ONNX Runtime, so the benchmarks measure the binding's fixed overhead.
func tinyAdd(b *testing.B, r *ort.Runtime) (*ort.Session, *ort.Value) {
	g := graph.New("tiny", 18)
	x := g.Input("x", graph.Float32, 1, 4)
	g.Output(g.Add(x, x), "y")
	return newSession(b, r, g, ort.SessionOptions{IntraOpThreads: 1}), tensor(b, r, []int64{1, 4}, []float32{1, 2, 3, 4})
}

// BenchmarkRunOverhead: Run with an ORT-allocated output, closed each time.
func BenchmarkRunOverhead(b *testing.B) {
	r := newRuntime(b)
	s, x := tinyAdd(b, r)
	in := []ort.Named{{Name: "x", Value: x}}
	out := []string{"y"}
	for b.Loop() {
		outs, err := s.Run(in, out)
		if err != nil {
			b.Fatal(err)
		}
		_ = outs[0].Close()
	}
}

// BenchmarkRunIntoOverhead: Run into a Go-owned output.
func BenchmarkRunIntoOverhead(b *testing.B) {
	r := newRuntime(b)
	s, x := tinyAdd(b, r)
	in := []ort.Named{{Name: "x", Value: x}}
	out := []ort.Named{{Name: "y", Value: tensor(b, r, []int64{1, 4}, make([]float32, 4))}}
	for b.Loop() {
		if err := s.RunInto(in, out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIoBindingOverhead: RunWithBinding with everything bound.
func BenchmarkIoBindingOverhead(b *testing.B) {
	r := newRuntime(b)
	s, x := tinyAdd(b, r)
	binding, err := s.NewIoBinding()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = binding.Close() })
	if err := binding.BindInput("x", x); err != nil {
		b.Fatal(err)
	}
	if err := binding.BindOutput("y", tensor(b, r, []int64{1, 4}, make([]float32, 4))); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := binding.Run(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatMul is [512x2048]·[2048x2048] float32 (4.29 GFLOP) with the
// weight external (read in place) or prepacked by ONNX Runtime, input and
// output in Go memory, one intra-op thread per CPU.
func BenchmarkMatMul(b *testing.B) {
	const m, k, n = 512, 2048, 2048
	r := newRuntime(b)
	rng := rand.New(rand.NewPCG(21, 22))
	w := randomFloat32(rng, k*n)
	x := tensor(b, r, []int64{m, k}, randomFloat32(rng, m*k))
	y := tensor(b, r, []int64{m, n}, make([]float32, m*n))
	for _, mode := range []struct {
		name       string
		prepacking bool
	}{{"zero-copy", false}, {"prepacked", true}} {
		b.Run(mode.name, func(b *testing.B) {
			g := graph.New("matmul", 18)
			g.Output(g.MatMul(g.Input("X", graph.Float32, m, k), g.External("W", graph.Float32, []int64{k, n}, f32Bytes(w))), "Y")
			s := newSession(b, r, g, ort.SessionOptions{IntraOpThreads: runtime.NumCPU(), Prepacking: mode.prepacking})
			in, out := []ort.Named{{Name: "X", Value: x}}, []ort.Named{{Name: "Y", Value: y}}
			for b.Loop() {
				if err := s.RunInto(in, out); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(2*m*k*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
