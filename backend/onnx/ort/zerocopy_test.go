package ort_test

import (
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// An External weight is read in place: changing the Go buffer after the
// session exists changes what the next Run computes, to exactly what the
// new buffer implies.
func TestExternalWeightIsZeroCopy(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	rng := rand.New(rand.NewPCG(7, 8))
	const in, out = 256, 128 // 128 KiB, above graph.InlineLimit
	w := randomFloat32(rng, in*out)
	b := graph.New("zero_copy", 18)
	x := b.Input("X", graph.Float32, 2, in)
	b.Output(b.MatMul(x, b.External("W", graph.Float32, []int64{in, out}, f32Bytes(w))), "Y")
	m, err := b.Build()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if len(m.Externals) != 1 || unsafe.SliceData(m.Externals[0].Data) != (*byte)(unsafe.Pointer(&w[0])) {
		t.Fatal("the model does not carry the weight buffer itself")
	}
	s, err := r.NewSession(m, ort.SessionOptions{})
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })

	xv := randomFloat32(rng, 2*in)
	xt := tensor(t, r, []int64{2, in}, xv)
	reference := func() []float64 {
		y := make([]float64, 2*out)
		for i := range 2 {
			for j := range out {
				for k := range in {
					y[i*out+j] += float64(xv[i*in+k]) * float64(w[k*out+j])
				}
			}
		}
		return y
	}
	// float32 sums over K=256 terms: a few ulps of the larger partial sums.
	const tol = 2e-5
	first := data[float32](t, run(t, s, []ort.Named{{Name: "X", Value: xt}}, "Y")[0], 2, out)
	checkRel(t, "external W", first, reference(), tol)

	for i := range w {
		w[i] = -2 * w[i]
	}
	second := data[float32](t, run(t, s, []ort.Named{{Name: "X", Value: xt}}, "Y")[0], 2, out)
	checkRel(t, "external W after W *= -2 in Go", second, reference(), tol)
	for i := range first {
		if second[i] != -2*first[i] {
			t.Fatalf("Y[%d] = %v after W *= -2, want %v: ONNX Runtime did not read the Go buffer", i, second[i], -2*first[i])
		}
	}
}

// With prepacking on, ORT copies weights; the session still computes the
// same result (the zero-copy default is what makes a change visible).
func TestPrepackingOption(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	rng := rand.New(rand.NewPCG(9, 10))
	w := randomFloat32(rng, 64*10)
	s := newSession(t, r, modelA(w), ort.SessionOptions{Prepacking: true, OptimizationLevel: ort.OptimizeBasic,
		Config: map[string]string{"session.intra_op.allow_spinning": "0"}})
	x := randomFloat32(rng, 2*64)
	outs := run(t, s, []ort.Named{{Name: "X", Value: tensor(t, r, []int64{2, 64}, x)}}, "P")
	wantP, _ := modelAReference(widen(x), widen(w), 2)
	checkRel(t, "prepacked model A P", data[float32](t, outs[0], 2, 10), wantP, maxRelTolerance)
}
