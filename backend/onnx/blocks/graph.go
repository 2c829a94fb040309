package blocks

import "github.com/vlmask/vlmask/backend/onnx/graph"

// Opset is the ONNX opset of every graph built here: 18 takes reduction
// axes as inputs.
const Opset = 18

// G is a graph under construction in one compute dtype.
type G struct {
	B  *graph.Builder
	DT graph.DType
}

// New starts a graph called name whose floating-point values are dt.
func New(name string, dt graph.DType) G {
	return G{B: graph.New(name, Opset), DT: dt}
}

// Scalar is a compute-dtype constant.
func (g G) Scalar(v float64) *graph.Value { return g.B.Scalar(g.DT, v) }

// Linear is x·Wᵀ + bias for a 2-D x and a weight stored [out, in], as
// torch.nn.Linear keeps it; Gemm reads the weight transposed in place, so
// no transposed copy of the weight is ever made. bias may be nil.
func (g G) Linear(x, w, bias *graph.Value) *graph.Value {
	in := []*graph.Value{x, w}
	if bias != nil {
		in = append(in, bias)
	}
	return g.B.Op("Gemm", in, graph.AttrInt("transB", 1))
}
