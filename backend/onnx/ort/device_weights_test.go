package ort_test

import (
	"math/rand/v2"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// checkDeviceWeights builds two graphs that declare the same external
// weight, as a decoder layer and its tail do, and runs both with the
// weight supplied by one DeviceWeights cache on opts.Device.
func checkDeviceWeights(t *testing.T, r *ort.Runtime, opts ort.SessionOptions) {
	t.Helper()
	rng := rand.New(rand.NewPCG(41, 42))
	const in, out = 256, 128 // above graph.InlineLimit: an external weight
	w := randomFloat32(rng, in*out)
	dw, err := r.NewDeviceWeights(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dw.Close() })
	x := randomFloat32(rng, 2*in)
	want := make([]float64, 2*out)
	for i := range 2 {
		for j := range out {
			for k := range in {
				want[i*out+j] += float64(x[i*in+k]) * float64(w[k*out+j])
			}
		}
	}
	for _, neg := range []bool{false, true} {
		b := graph.New("device_weights", 18)
		y := b.MatMul(b.Input("X", graph.Float32, 2, in), b.External("W", graph.Float32, []int64{in, out}, f32Bytes(w)))
		if neg {
			y = b.Neg(y)
		}
		b.Output(y, "Y")
		so := opts
		so.Weights = dw
		s := newSession(t, r, b, so)
		got := data[float32](t, run(t, s, []ort.Named{{Name: "X", Value: tensor(t, r, []int64{2, in}, x)}}, "Y")[0], 2, out)
		if neg {
			for i := range got {
				got[i] = -got[i]
			}
		}
		checkRel(t, "Y", got, want, 2e-5)
	}
	if dw.Bytes() != int64(4*in*out) {
		t.Errorf("%d bytes uploaded, want one copy of the weight (%d)", dw.Bytes(), 4*in*out)
	}
}

// TestDeviceWeightsCPU: the shared weight cache works the same on the CPU
// (CUDA runs it in TestCUDAMatchesCPU): one copy serves two sessions.
func TestDeviceWeightsCPU(t *testing.T) {
	checkDeviceWeights(t, newRuntime(t), ort.SessionOptions{})
}

// TestDeviceWeightsRefusesTwoBuffersUnderOneName: a name is one weight.
func TestDeviceWeightsRefusesTwoBuffersUnderOneName(t *testing.T) {
	r := newRuntime(t)
	dw, err := r.NewDeviceWeights(ort.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer dw.Close()
	rng := rand.New(rand.NewPCG(43, 44))
	for i := 0; i < 2; i++ {
		b := graph.New("twice", 18)
		b.Output(b.MatMul(b.Input("X", graph.Float32, 1, 256), b.External("W", graph.Float32, []int64{256, 128}, f32Bytes(randomFloat32(rng, 256*128)))), "Y")
		m, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		s, err := r.NewSession(m, ort.SessionOptions{Weights: dw})
		if i == 0 && err != nil {
			t.Fatal(err)
		}
		if i == 1 && err == nil {
			s.Close()
			t.Fatal("a second buffer under the same name was accepted")
		}
		if s != nil {
			s.Close()
		}
	}
}
