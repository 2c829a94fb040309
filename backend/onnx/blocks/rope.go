package blocks

import "github.com/vlmask/vlmask/backend/onnx/graph"

// RotateHalf is Hugging Face's rotate_half: cat(−x2, x1) over the last
// axis of width dim.
func (g G) RotateHalf(x *graph.Value, dim int64) *graph.Value {
	halves := g.B.Split(x, -1, dim/2, dim/2)
	return g.B.Concat(-1, g.B.Neg(halves[1]), halves[0])
}

// Rope applies rotary embeddings, x·cos + rotate_half(x)·sin, with cos and
// sin broadcast against x (tables come from RopeTables or a vision
// tower's own).
func (g G) Rope(x, cos, sin *graph.Value, dim int64) *graph.Value {
	return g.B.Add(g.B.Mul(x, cos), g.B.Mul(g.RotateHalf(x, dim), sin))
}
