package ort_test

import (
	"errors"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// envTestCUDA enables the GPU test (scripts/gpu-check.sh sets it, with
// VLMASK_ORT_LIB pointing at the 1.29.0-cuda library).
const envTestCUDA = "VLMASK_TEST_CUDA"

// Without a usable CUDA provider, CUDAAvailable explains why instead of
// crashing.
func TestCUDAAvailableExplains(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	err := r.CUDAAvailable()
	if err == nil {
		t.Skip("CUDA works on this host; TestCUDAMatchesCPU covers it")
	}
	t.Logf("CUDAAvailable: %v", err)
	var oe *ort.Error
	if !errors.Is(err, ort.ErrCUDAUnavailable) || !errors.As(err, &oe) {
		t.Errorf("error %v: want ErrCUDAUnavailable wrapping an *ort.Error", err)
	}
	if !strings.Contains(err.Error(), "(") {
		t.Errorf("error %q carries no hint", err)
	}
	// A session asking for CUDA fails the same way.
	_, err = r.NewSession(mustModel(t, modelA(make([]float32, 640))), ort.SessionOptions{Device: ort.Device{Kind: ort.CUDA}})
	if !errors.Is(err, ort.ErrCUDAUnavailable) {
		t.Errorf("NewSession on CUDA: %v, want ErrCUDAUnavailable", err)
	}
}

// The test graphs on CUDA agree with the CPU and with Go.
func TestCUDAMatchesCPU(t *testing.T) {
	if os.Getenv(envTestCUDA) != "1" {
		t.Skipf("set %s=1 and %s to the CUDA build of ONNX Runtime (scripts/gpu-check.sh) to run on a GPU", envTestCUDA, ort.EnvLibrary)
	}
	r := newRuntime(t)
	t.Logf("ONNX Runtime %s from %s", r.Version(), r.Path())
	if err := r.CUDAAvailable(); err != nil {
		t.Fatalf("CUDAAvailable: %v", err)
	}
	// TF32 would trade float32 exactness for speed; keep IEEE float32.
	onGPU := ort.SessionOptions{Device: ort.Device{Kind: ort.CUDA}, CUDAOptions: map[string]string{"use_tf32": "0"}}
	const tol = 1e-5 // GPU kernels sum in other orders than the CPU's

	rng := rand.New(rand.NewPCG(19, 20))
	w := randomFloat32(rng, 640)
	gpu, cpu := newSession(t, r, modelA(w), onGPU), newSession(t, r, modelA(w), ort.SessionOptions{})
	for _, seq := range []int{5, 3} {
		x := randomFloat32(rng, seq*64)
		in := []ort.Named{{Name: "X", Value: tensor(t, r, []int64{int64(seq), 64}, x)}}
		g, c := run(t, gpu, in, "P", "R"), run(t, cpu, in, "P", "R")
		wantP, wantR := modelAReference(widen(x), widen(w), seq)
		checkRel(t, "CUDA model A P", data[float32](t, g[0], int64(seq), 10), wantP, tol)
		checkRel(t, "CUDA model A R", data[float32](t, g[1], 10), wantR, tol)
		checkRel(t, "CUDA vs CPU model A P", data[float32](t, g[0], int64(seq), 10), data[float32](t, c[0], int64(seq), 10), tol)
	}

	big := randomFloat32(rng, 256*128)
	b := graph.New("cuda_external", 18)
	x := b.Input("X", graph.Float32, "S", 256)
	b.Output(b.Gather(b.Softmax(b.MatMul(x, b.External("W", graph.Float32, []int64{256, 128}, f32Bytes(big))), -1),
		b.ConstInt64([]int64{}, 0), 0), "Y")
	gpu, cpu = newSession(t, r, b, onGPU), newSession(t, r, b, ort.SessionOptions{})
	xv := randomFloat32(rng, 4*256)
	in := []ort.Named{{Name: "X", Value: tensor(t, r, []int64{4, 256}, xv)}}
	checkRel(t, "CUDA vs CPU external weight", data[float32](t, run(t, gpu, in, "Y")[0], 128), data[float32](t, run(t, cpu, in, "Y")[0], 128), tol)
	checkDeviceWeights(t, r, onGPU) // one device copy shared by two sessions

	e, bias := randomFloat32(rng, 50*16), randomFloat32(rng, 16)
	gpu = newSession(t, r, modelB(e, bias), onGPU)
	ids, xb, inB := modelBInputs(t, r, rng, 50, 16, 7)
	outs := run(t, gpu, inB, "Y", "N")
	wantY, wantN := modelBReference(e, bias, xb, ids)
	checkRel(t, "CUDA model B Y", data[float32](t, outs[0], 7, 16), wantY, tol)
	checkRel(t, "CUDA model B N", data[float32](t, outs[1], 7, 1), wantN, tol)

	w64, b64, x64 := randomFloat64(rng, 8*6), randomFloat64(rng, 6), randomFloat64(rng, 4*8)
	gpu = newSession(t, r, float64Graph(w64, b64), onGPU)
	outs = run(t, gpu, []ort.Named{{Name: "X", Value: tensor(t, r, []int64{4, 8}, x64)}}, "Y")
	checkRel(t, "CUDA float64 Y", data[float64](t, outs[0], 4, 6), float64Reference(w64, b64, x64), 1e-12)

	ib, iw := integerGraph()
	igpu := newSession(t, r, ib, onGPU)
	for k := range 50 {
		seq := 1 + k%16
		if err := runIntegerOnce(r, igpu, iw, integerInput(seq, k), seq); err != nil {
			t.Fatalf("CUDA integer run %d: %v", k, err)
		}
	}
}
