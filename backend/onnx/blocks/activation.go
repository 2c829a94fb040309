package blocks

import (
	"fmt"
	"math"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// Activation is an activation function, named as Hugging Face configs name
// them (hidden_act, hidden_activation, projector_hidden_act).
type Activation string

// The activations the blocks implement.
const (
	SiLU      Activation = "silu"              // x·sigmoid(x)
	GELU      Activation = "gelu"              // exact: 0.5·x·(1 + erf(x/√2))
	GELUTanh  Activation = "gelu_pytorch_tanh" // PyTorch's tanh approximation
	QuickGELU Activation = "quick_gelu"        // x·sigmoid(1.702·x)
)

// ParseActivation maps a config.json activation name to an Activation.
// "gelu_new" and "gelu_fast" are the tanh approximation too, "swish" is
// SiLU.
func ParseActivation(name string) (Activation, error) {
	switch name {
	case "silu", "swish":
		return SiLU, nil
	case "gelu":
		return GELU, nil
	case "gelu_pytorch_tanh", "gelu_new", "gelu_fast":
		return GELUTanh, nil
	case "quick_gelu":
		return QuickGELU, nil
	}
	return "", fmt.Errorf("activation %q is not supported (want silu, gelu, gelu_pytorch_tanh or quick_gelu)", name)
}

// Act applies the activation a.
func (g G) Act(a Activation, x *graph.Value) *graph.Value {
	b := g.B
	switch a {
	case GELU:
		return b.Mul(b.Mul(g.Scalar(0.5), x), b.Add(g.Scalar(1), b.Erf(b.Mul(x, g.Scalar(1/math.Sqrt2)))))
	case GELUTanh:
		cube := b.Mul(b.Mul(x, x), x)
		inner := b.Mul(g.Scalar(math.Sqrt(2/math.Pi)), b.Add(x, b.Mul(g.Scalar(0.044715), cube)))
		return b.Mul(b.Mul(g.Scalar(0.5), x), b.Add(g.Scalar(1), b.Tanh(inner)))
	case QuickGELU:
		return b.Mul(x, b.Sigmoid(b.Mul(g.Scalar(1.702), x)))
	default:
		return b.Mul(x, b.Sigmoid(x))
	}
}
