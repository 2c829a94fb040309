package ort_test

import (
	"math/rand/v2"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// RunInto writes outputs into Go memory the caller owns.
func TestRunIntoGoOutputs(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	rng := rand.New(rand.NewPCG(13, 14))
	w := randomFloat32(rng, 640)
	s := newSession(t, r, modelA(w), ort.SessionOptions{})
	x := randomFloat32(rng, 4*64)
	p, sum := make([]float32, 40), make([]float32, 10)
	err := s.RunInto([]ort.Named{{Name: "X", Value: tensor(t, r, []int64{4, 64}, x)}},
		[]ort.Named{{Name: "P", Value: tensor(t, r, []int64{4, 10}, p)}, {Name: "R", Value: tensor(t, r, []int64{10}, sum)}})
	if err != nil {
		t.Fatalf("RunInto: %v", err)
	}
	wantP, wantR := modelAReference(widen(x), widen(w), 4)
	checkRel(t, "RunInto P (Go slice)", widen(p), wantP, maxRelTolerance)
	checkRel(t, "RunInto R (Go slice)", widen(sum), wantR, maxRelTolerance)
}

// An input allocated by ONNX Runtime, filled through Data.
func TestORTAllocatedInput(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	rng := rand.New(rand.NewPCG(15, 16))
	w := randomFloat32(rng, 640)
	s := newSession(t, r, modelA(w), ort.SessionOptions{})
	in, err := ort.NewEmptyTensor(r, graph.Float32, []int64{3, 64})
	if err != nil {
		t.Fatalf("NewEmptyTensor: %v", err)
	}
	t.Cleanup(func() { _ = in.Close() })
	view, err := ort.Data[float32](in)
	if err != nil {
		t.Fatalf("Data: %v", err)
	}
	x := randomFloat32(rng, 3*64)
	copy(view, x)
	outs := run(t, s, []ort.Named{{Name: "X", Value: in}}, "P")
	wantP, _ := modelAReference(widen(x), widen(w), 3)
	checkRel(t, "ORT-allocated input P", data[float32](t, outs[0], 3, 10), wantP, maxRelTolerance)

	empty, err := ort.NewEmptyTensor(r, graph.Float32, []int64{2, 0, 4})
	if err != nil {
		t.Fatalf("NewEmptyTensor with a zero dim: %v", err)
	}
	t.Cleanup(func() { _ = empty.Close() })
	if v, err := ort.Data[float32](empty); err != nil || len(v) != 0 {
		t.Errorf("Data of an empty tensor: %d values, %v", len(v), err)
	}
}

// An IoBinding run: inputs and one output bound to tensors, one output
// allocated by ONNX Runtime; rebinding the input changes the result.
func TestIoBinding(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	rng := rand.New(rand.NewPCG(17, 18))
	w := randomFloat32(rng, 640)
	s := newSession(t, r, modelA(w), ort.SessionOptions{})
	b, err := s.NewIoBinding()
	if err != nil {
		t.Fatalf("NewIoBinding: %v", err)
	}
	t.Cleanup(func() { _ = b.Close() })
	p := make([]float32, 20)
	if err := b.BindOutput("P", tensor(t, r, []int64{2, 10}, p)); err != nil {
		t.Fatalf("BindOutput: %v", err)
	}
	if err := b.BindOutputToCPU("R"); err != nil {
		t.Fatalf("BindOutputToCPU: %v", err)
	}
	for round := range 2 {
		x := randomFloat32(rng, 2*64)
		if err := b.BindInput("X", tensor(t, r, []int64{2, 64}, x)); err != nil {
			t.Fatalf("BindInput: %v", err)
		}
		if err := b.Run(); err != nil {
			t.Fatalf("Run: %v", err)
		}
		outs, err := b.Outputs()
		if err != nil {
			t.Fatalf("Outputs: %v", err)
		}
		if len(outs) != 2 {
			t.Fatalf("%d outputs, want 2", len(outs))
		}
		wantP, wantR := modelAReference(widen(x), widen(w), 2)
		what := "IoBinding round " + string(rune('1'+round))
		checkRel(t, what+" P (bound Go slice)", widen(p), wantP, maxRelTolerance)
		checkRel(t, what+" P (Outputs)", data[float32](t, outs[0], 2, 10), wantP, maxRelTolerance)
		checkRel(t, what+" R (ORT-allocated)", data[float32](t, outs[1], 10), wantR, maxRelTolerance)
		for _, o := range outs {
			_ = o.Close()
		}
	}
	if err := b.ClearBoundInputs(); err != nil {
		t.Fatalf("ClearBoundInputs: %v", err)
	}
	if err := b.ClearBoundOutputs(); err != nil {
		t.Fatalf("ClearBoundOutputs: %v", err)
	}
	if outs, err := b.Outputs(); err != nil || len(outs) != 0 {
		t.Errorf("Outputs after ClearBoundOutputs: %d values, %v; want none", len(outs), err)
	}
}

// RunBound feeds one run's bound outputs to the next and returns outputs
// in the order asked, each marked with its device.
func TestRunBound(t *testing.T) {
	r := newRuntime(t)
	b := graph.New("twice", 18)
	x := b.Input("X", graph.Float32, 2, 3)
	b.Output(b.Add(x, x), "Y")
	b.Output(b.Neg(x), "N")
	s := newSession(t, r, b, ort.SessionOptions{})
	in := tensor(t, r, []int64{2, 3}, []float32{1, 2, 3, 4, 5, 6})
	cpu := ort.Device{Kind: ort.CPU}
	first, err := s.RunBound([]ort.Named{{Name: "X", Value: in}}, []ort.Output{{Name: "N", Device: cpu}, {Name: "Y", Device: cpu}})
	if err != nil {
		t.Fatal(err)
	}
	defer first[0].Close()
	defer first[1].Close()
	second, err := s.RunBound([]ort.Named{{Name: "X", Value: first[1]}}, []ort.Output{{Name: "Y", Device: cpu}})
	if err != nil {
		t.Fatal(err)
	}
	defer second[0].Close()
	neg := data[float32](t, first[0], 2, 3)
	quad := data[float32](t, second[0], 2, 3)
	for i := range neg {
		if neg[i] != -float64(i+1) || quad[i] != 4*float64(i+1) {
			t.Fatalf("element %d: -x %v, 4x %v", i, neg[i], quad[i])
		}
	}
	if second[0].Device() != cpu {
		t.Errorf("output device %v", second[0].Device())
	}
}
