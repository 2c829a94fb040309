package qwen3vl

import (
	"math"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// nn wraps a graph builder with the building blocks the Qwen graphs share,
// in one compute dtype.
type nn struct {
	b  *graph.Builder
	dt graph.DType
}

func (n nn) scalar(v float64) *graph.Value { return n.b.Scalar(n.dt, v) }

// linear is x·Wᵀ + bias for a 2-D x and a weight stored [out, in], as
// torch.nn.Linear keeps it; Gemm reads the weight transposed in place, so no
// transposed copy of the weight is ever made. bias may be nil.
func (n nn) linear(x, w, bias *graph.Value) *graph.Value {
	in := []*graph.Value{x, w}
	if bias != nil {
		in = append(in, bias)
	}
	return n.b.Op("Gemm", in, graph.AttrInt("transB", 1))
}

// rmsNorm is Hugging Face's Qwen RMSNorm over the last axis:
// weight · x / sqrt(mean(x²) + eps).
func (n nn) rmsNorm(x, weight *graph.Value, eps float64) *graph.Value {
	b := n.b
	variance := b.ReduceMean(b.Mul(x, x), []int64{-1}, true)
	inv := b.Reciprocal(b.Sqrt(b.Add(variance, n.scalar(eps))))
	return b.Mul(weight, b.Mul(x, inv))
}

// layerNorm is torch.nn.LayerNorm over the last axis.
func (n nn) layerNorm(x, weight, bias *graph.Value, eps float64) *graph.Value {
	return n.b.Op("LayerNormalization", []*graph.Value{x, weight, bias},
		graph.AttrInt("axis", -1), graph.AttrFloat("epsilon", float32(eps)))
}

// silu is x·sigmoid(x).
func (n nn) silu(x *graph.Value) *graph.Value { return n.b.Mul(x, n.b.Sigmoid(x)) }

// geluTanh is PyTorch's GELU with the tanh approximation ("gelu_pytorch_tanh"):
// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
func (n nn) geluTanh(x *graph.Value) *graph.Value {
	b := n.b
	cube := b.Mul(b.Mul(x, x), x)
	inner := b.Mul(n.scalar(math.Sqrt(2/math.Pi)), b.Add(x, b.Mul(n.scalar(0.044715), cube)))
	return b.Mul(b.Mul(n.scalar(0.5), x), b.Add(n.scalar(1), b.Tanh(inner)))
}

// gelu is the exact GELU, 0.5·x·(1 + erf(x/√2)) (torch.nn.GELU()).
func (n nn) gelu(x *graph.Value) *graph.Value {
	b := n.b
	return b.Mul(b.Mul(n.scalar(0.5), x), b.Add(n.scalar(1), b.Erf(b.Mul(x, n.scalar(1/math.Sqrt2)))))
}

// rotateHalf is Hugging Face's rotate_half: cat(−x2, x1) over the last axis
// of width dim.
func (n nn) rotateHalf(x *graph.Value, dim int64) *graph.Value {
	halves := n.b.Split(x, -1, dim/2, dim/2)
	return n.b.Concat(-1, n.b.Neg(halves[1]), halves[0])
}

// rope applies rotary embeddings: x·cos + rotate_half(x)·sin, with cos and sin
// broadcast against x.
func (n nn) rope(x, cos, sin *graph.Value, dim int64) *graph.Value {
	return n.b.Add(n.b.Mul(x, cos), n.b.Mul(n.rotateHalf(x, dim), sin))
}
