package blocks

import "github.com/vlmask/vlmask/backend/onnx/graph"

// Opset is the ONNX opset of every graph built here: 18 takes reduction
// axes as inputs.
const Opset = 18

// G is a graph under construction. Its activations, norms, softmax and
// residual stream are DT (float32 or float64); its matrix products run in
// MatDT when that is a half-precision type (bfloat16 or float16, on
// CUDA), with inputs cast down and results cast back up.
type G struct {
	B     *graph.Builder
	DT    graph.DType
	MatDT graph.DType // 0: DT
	// AttnBudget bounds the attention scores one block of queries holds
	// (Attention): 0 computes every query row at once.
	AttnBudget int64
}

// New starts a graph called name whose floating-point values are dt.
func New(name string, dt graph.DType) G {
	return G{B: graph.New(name, Opset), DT: dt}
}

// Options are how a model's graphs are built, chosen by the runtime for
// the device and the memory it has; the zero value computes every
// attention at once.
type Options struct {
	// AttnBudget bounds the attention scores one block of queries holds
	// (G.AttnBudget).
	AttnBudget int64
}

// NewWith is New with options.
func NewWith(name string, dt graph.DType, o Options) G {
	g := New(name, dt)
	g.AttnBudget = o.AttnBudget
	return g
}

// NewMixed starts a graph whose matrix products run in matDT (0: dt).
func NewMixed(name string, dt, matDT graph.DType) G {
	g := New(name, dt)
	if matDT != dt {
		g.MatDT = matDT
	}
	return g
}

// As casts v to dt unless it already is dt (nil stays nil): weights
// stored in half precision are cast where a product needs them.
func (g G) As(v *graph.Value, dt graph.DType) *graph.Value {
	if v == nil || v.DType() == dt {
		return v
	}
	return g.B.Cast(v, dt)
}

// Scalar is a compute-dtype constant.
func (g G) Scalar(v float64) *graph.Value { return g.B.Scalar(g.DT, v) }

// Linear is x·Wᵀ + bias for a 2-D x and a weight stored [out, in], as
// torch.nn.Linear keeps it; Gemm reads the weight transposed in place, so
// no transposed copy of the weight is ever made. bias may be nil.
//
// With a half-precision MatDT the product runs in it (x, the weight and
// the bias cast down, the result cast back to DT); otherwise a weight
// stored in half precision is cast up to DT first.
func (g G) Linear(x, w, bias *graph.Value) *graph.Value {
	dt := g.DT
	if g.MatDT != 0 {
		dt = g.MatDT
		x = g.As(x, dt)
	}
	in := []*graph.Value{x, g.As(w, dt)}
	if bias != nil {
		in = append(in, g.As(bias, dt))
	}
	y := g.B.Op("Gemm", in, graph.AttrInt("transB", 1))
	return g.As(y, g.DT)
}
