package ort_test

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"unsafe"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

func f32Bytes(v []float32) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 4*len(v))
}

func f64Bytes(v []float64) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 8*len(v))
}

func TestRuntimeInfo(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	if r.Version() == "" || r.BuildInfo() == "" {
		t.Errorf("Version %q BuildInfo %q: want both set", r.Version(), r.BuildInfo())
	}
	if r.APIVersion() < ort.MinAPIVersion {
		t.Errorf("APIVersion %d < %d", r.APIVersion(), ort.MinAPIVersion)
	}
	providers, err := r.Providers()
	if err != nil {
		t.Fatalf("Providers: %v", err)
	}
	found := false
	for _, p := range providers {
		found = found || p == "CPUExecutionProvider"
	}
	if !found {
		t.Errorf("Providers %v lack CPUExecutionProvider", providers)
	}
	t.Logf("ONNX Runtime %s (OrtApi %d) from %s; providers %v", r.Version(), r.APIVersion(), r.Path(), providers)
}

// modelA is X[S,64]·W[64,10] → P = Softmax(·, -1), R = ReduceSum(P, 0).
func modelA(w []float32, opts ...int) *graph.Builder {
	opset := 17
	if len(opts) > 0 {
		opset = opts[0]
	}
	b := graph.New("model_a", opset)
	x := b.Input("X", graph.Float32, "S", 64)
	p := b.Softmax(b.MatMul(x, b.Weight("W", graph.Float32, []int64{64, 10}, f32Bytes(w))), -1)
	b.Output(p, "P")
	b.Output(b.ReduceSum(p, []int64{0}, false), "R")
	return b
}

// modelAReference computes P and R in float64.
func modelAReference(x, w []float64, s int) (p, r []float64) {
	p = make([]float64, s*10)
	r = make([]float64, 10)
	for i := range s {
		row := p[i*10 : (i+1)*10]
		for j := range 10 {
			for k := range 64 {
				row[j] += x[i*64+k] * w[k*10+j]
			}
		}
		softmax(row)
		for j, v := range row {
			r[j] += v
		}
	}
	return p, r
}

func softmax(row []float64) {
	m := math.Inf(-1)
	for _, v := range row {
		m = max(m, v)
	}
	sum := 0.0
	for j, v := range row {
		row[j] = math.Exp(v - m)
		sum += row[j]
	}
	for j := range row {
		row[j] /= sum
	}
}

// Model A at two sequence lengths in one session: the symbolic S dim.
func TestMatMulSoftmaxReduceSum(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	rng := rand.New(rand.NewPCG(1, 2))
	w := randomFloat32(rng, 64*10)
	s := newSession(t, r, modelA(w), ort.SessionOptions{IntraOpThreads: 2})
	for _, seq := range []int{5, 3} {
		x := randomFloat32(rng, seq*64)
		outs := run(t, s, []ort.Named{{Name: "X", Value: tensor(t, r, []int64{int64(seq), 64}, x)}}, "P", "R")
		wantP, wantR := modelAReference(widen(x), widen(w), seq)
		checkRel(t, "model A S="+strconv.Itoa(seq)+" P", data[float32](t, outs[0], int64(seq), 10), wantP, maxRelTolerance)
		checkRel(t, "model A S="+strconv.Itoa(seq)+" R", data[float32](t, outs[1], 10), wantR, maxRelTolerance)
	}
}

// modelB is C = Gather(E, ids)·X − Bv, N = √ReduceSumSquare(C, 1), Y = C/N.
func modelB(e, bias []float32) *graph.Builder {
	width := int64(len(bias))
	b := graph.New("model_b", 18)
	ids := b.Input("ids", graph.Int64, "S")
	x := b.Input("X", graph.Float32, "S", width)
	table := b.Weight("E", graph.Float32, []int64{int64(len(e)) / width, width}, f32Bytes(e))
	c := b.Sub(b.Mul(b.Gather(table, ids, 0), x), b.Weight("Bv", graph.Float32, []int64{width}, f32Bytes(bias)))
	n := b.Sqrt(b.Reduce("ReduceSumSquare", c, []int64{1}, true))
	b.Output(b.Div(c, n), "Y")
	b.Output(n, "N")
	return b
}

// modelBReference computes Y and N in float64.
func modelBReference(e, bias, x []float32, ids []int64) (y, n []float64) {
	width := len(bias)
	y, n = make([]float64, len(ids)*width), make([]float64, len(ids))
	for i, id := range ids {
		ss := 0.0
		for j := range width {
			v := float64(e[int(id)*width+j])*float64(x[i*width+j]) - float64(bias[j])
			y[i*width+j] = v
			ss += v * v
		}
		n[i] = math.Sqrt(ss)
		for j := range width {
			y[i*width+j] /= n[i]
		}
	}
	return y, n
}

// modelBInputs are random ids and X for model B.
func modelBInputs(tb testing.TB, r *ort.Runtime, rng *rand.Rand, vocab, width, seq int) ([]int64, []float32, []ort.Named) {
	ids := make([]int64, seq)
	for i := range ids {
		ids[i] = rng.Int64N(int64(vocab))
	}
	x := randomFloat32(rng, seq*width)
	return ids, x, []ort.Named{
		{Name: "ids", Value: tensor(tb, r, []int64{int64(seq)}, ids)},
		{Name: "X", Value: tensor(tb, r, []int64{int64(seq), int64(width)}, x)},
	}
}

func TestGatherNormalize(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	rng := rand.New(rand.NewPCG(3, 4))
	const vocab, width, seq = 50, 16, 7
	e, bias := randomFloat32(rng, vocab*width), randomFloat32(rng, width)
	s := newSession(t, r, modelB(e, bias), ort.SessionOptions{})
	ids, x, in := modelBInputs(t, r, rng, vocab, width, seq)
	outs := run(t, s, in, "Y", "N")
	wantY, wantN := modelBReference(e, bias, x, ids)
	checkRel(t, "model B Y", data[float32](t, outs[0], seq, width), wantY, maxRelTolerance)
	checkRel(t, "model B N", data[float32](t, outs[1], seq, 1), wantN, maxRelTolerance)
}

// float64Graph is Y = Softmax(X·W + bias) in double.
func float64Graph(w, bias []float64) *graph.Builder {
	out := int64(len(bias))
	in := int64(len(w)) / out
	b := graph.New("double", 18)
	x := b.Input("X", graph.Float64, "S", in)
	y := b.Softmax(b.Add(b.MatMul(x, b.Weight("W", graph.Float64, []int64{in, out}, f64Bytes(w))),
		b.Weight("bias", graph.Float64, []int64{out}, f64Bytes(bias))), -1)
	b.Output(y, "Y")
	return b
}

func float64Reference(w, bias, x []float64) []float64 {
	out := len(bias)
	in := len(w) / out
	seq := len(x) / in
	want := make([]float64, seq*out)
	for i := range seq {
		row := want[i*out : (i+1)*out]
		for j := range out {
			row[j] = bias[j]
			for k := range in {
				row[j] += x[i*in+k] * w[k*out+j]
			}
		}
		softmax(row)
	}
	return want
}

func randomFloat64(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*rng.Float64() - 1
	}
	return v
}

// A float64 graph: MatMul, Add and Softmax computed in double.
func TestFloat64Graph(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	rng := rand.New(rand.NewPCG(5, 6))
	const seq, in, out = 4, 8, 6
	w, bias, x := randomFloat64(rng, in*out), randomFloat64(rng, out), randomFloat64(rng, seq*in)
	s := newSession(t, r, float64Graph(w, bias), ort.SessionOptions{})
	outs := run(t, s, []ort.Named{{Name: "X", Value: tensor(t, r, []int64{seq, in}, x)}}, "Y")
	checkRel(t, "float64 Y", data[float64](t, outs[0], seq, out), float64Reference(w, bias, x), 1e-14)
}

// Every supported opset (and IR version 8) loads and runs, and a graph
// output whose type the builder could not infer is accepted.
func TestOpsetsAndUntypedOutputs(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	for opset := graph.MinOpset; opset <= graph.MaxOpset; opset++ {
		b := graph.New("opset", opset)
		x := b.Input("x", graph.Float32, 2, 3)
		b.Output(b.ReduceMean(x, []int64{1}, false), "mean")
		b.Output(b.Op("NonZero", []*graph.Value{x}), "nz")
		s := newSession(t, r, b, ort.SessionOptions{})
		outs := run(t, s, []ort.Named{{Name: "x", Value: tensor(t, r, []int64{2, 3}, []float32{1, 0, 2, 0, 0, 6})}}, "mean", "nz")
		mean := data[float32](t, outs[0], 2)
		nz, err := ort.Data[int64](outs[1])
		if err != nil {
			t.Fatalf("opset %d: nz: %v", opset, err)
		}
		if mean[0] != 1 || mean[1] != 2 || len(nz) != 6 {
			t.Errorf("opset %d: mean %v, nonzero %v", opset, mean, nz)
		}
	}
}

// Float16 data through NewTensorBytes, cast to float32 in the graph, and
// a float16 output read back as uint16 bits.
func TestFloat16Tensors(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	b := graph.New("half", 18)
	x := b.Input("x", graph.Float16, 4)
	b.Output(b.Cast(x, graph.Float32), "wide")
	b.Output(b.Add(x, x), "twice")
	s := newSession(t, r, b, ort.SessionOptions{})
	vals := []float64{1, -0.5, 65504, 0.1}
	raw := make([]byte, 8)
	for i, v := range vals {
		h := graph.Float16Bits(v)
		raw[2*i], raw[2*i+1] = byte(h), byte(h>>8)
	}
	in, err := ort.NewTensorBytes(r, graph.Float16, []int64{4}, raw)
	if err != nil {
		t.Fatalf("NewTensorBytes: %v", err)
	}
	t.Cleanup(func() { _ = in.Close() })
	outs := run(t, s, []ort.Named{{Name: "x", Value: in}}, "wide", "twice")
	wide := data[float32](t, outs[0], 4)
	twice, err := ort.Data[uint16](outs[1])
	if err != nil {
		t.Fatalf("Data[uint16] of float16: %v", err)
	}
	for i, v := range vals {
		half := graph.Float16Value(graph.Float16Bits(v))
		if float64(wide[i]) != half {
			t.Errorf("wide[%d] = %v, want %v", i, wide[i], half)
		}
		if got, want := graph.Float16Value(twice[i]), graph.Float16Value(graph.Float16Bits(2*half)); got != want {
			t.Errorf("twice[%d] = %v, want %v", i, got, want)
		}
	}
}
