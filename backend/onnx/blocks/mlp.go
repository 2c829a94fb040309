package blocks

import "github.com/vlmask/vlmask/backend/onnx/graph"

// GatedMLP is Llama's, Qwen's and Gemma's MLP:
// down(act(gate(x)) · up(x)). Biases may be nil.
type GatedMLP struct {
	Act                        Activation
	Gate, Up, Down             *graph.Value
	GateBias, UpBias, DownBias *graph.Value
}

// Apply runs the MLP on a 2-D x.
func (m GatedMLP) Apply(g G, x *graph.Value) *graph.Value {
	act := g.B.Mul(g.Act(m.Act, g.Linear(x, m.Gate, m.GateBias)), g.Linear(x, m.Up, m.UpBias))
	return g.Linear(act, m.Down, m.DownBias)
}

// DenseMLP is the two-layer MLP of ViTs and projectors: fc2(act(fc1(x))).
type DenseMLP struct {
	Act              Activation
	FC1, FC2         *graph.Value
	FC1Bias, FC2Bias *graph.Value
}

// Apply runs the MLP on a 2-D x.
func (m DenseMLP) Apply(g G, x *graph.Value) *graph.Value {
	return g.Linear(g.Act(m.Act, g.Linear(x, m.FC1, m.FC1Bias)), m.FC2, m.FC2Bias)
}
