package blocks

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// NormKind is a normalisation layer's formula.
type NormKind int

const (
	// RMSNorm is Llama's and Qwen's: w · x / sqrt(mean(x²) + eps).
	RMSNorm NormKind = iota
	// OffsetRMSNorm is Gemma's: (1 + w) · x / sqrt(mean(x²) + eps).
	OffsetRMSNorm
	// LayerNorm is torch.nn.LayerNorm: w · (x − mean) / sqrt(var + eps) + b.
	LayerNorm
)

func (k NormKind) String() string {
	switch k {
	case RMSNorm:
		return "RMSNorm"
	case OffsetRMSNorm:
		return "OffsetRMSNorm"
	case LayerNorm:
		return "LayerNorm"
	}
	return fmt.Sprintf("NormKind(%d)", int(k))
}

// Norm is one normalisation layer over the last axis. Bias is used by
// LayerNorm only.
type Norm struct {
	Kind         NormKind
	Weight, Bias *graph.Value
	Eps          float64
}

// Apply normalises x.
func (n Norm) Apply(g G, x *graph.Value) *graph.Value {
	switch n.Kind {
	case LayerNorm:
		return g.B.Op("LayerNormalization", []*graph.Value{x, n.Weight, n.Bias},
			graph.AttrInt("axis", -1), graph.AttrFloat("epsilon", float32(n.Eps)))
	case OffsetRMSNorm:
		return g.B.Mul(g.rmsScaled(x, n.Eps), g.B.Add(n.Weight, g.Scalar(1)))
	default:
		return g.B.Mul(n.Weight, g.rmsScaled(x, n.Eps))
	}
}

// rmsScaled is x / sqrt(mean(x²) + eps) over the last axis.
func (g G) rmsScaled(x *graph.Value, eps float64) *graph.Value {
	b := g.B
	variance := b.ReduceMean(b.Mul(x, x), []int64{-1}, true)
	return b.Mul(x, b.Reciprocal(b.Sqrt(b.Add(variance, g.Scalar(eps)))))
}
