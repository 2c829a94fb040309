package blocks

import (
	"fmt"
	"math"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/weights"
)

// Names of the row layer graph's input and the head graph's second output.
const (
	InRows    = "rows"
	OutNormed = "normed"
)

// RowLayerGraph builds decoder layer l for a batch of b alternative final
// rows: each row is a hidden state the final position could have at the
// layer's input (the propagated knockout carries one per masked group). All
// rows share the position, and they attend to the same cached keys and
// values of the positions before the final one plus each row's own key and
// value, computed from the row. Attention is causal, so nothing else of the
// sequence depends on the final row.
//
// Inputs: rows [b, hidden]; cos and sin [1, headDim] (the final position's
// rotary row); past_k and past_v [kvHeads, t, headDim], the layer's cache
// of all t positions, the final one last: its entry is replaced by each
// row's own key and value; mask [b, t] (additive: column j < t−1 is key j,
// column t−1 the row's own key; 0 where the row sees it, −inf elsewhere,
// which is how a group is hidden from the final query). Output: output [b,
// hidden], the layer's output for each row.
func (d Decoder) RowLayerGraph(ws *weights.Store, l int) (*graph.Model, error) {
	dt := ws.DType()
	g := NewMixed(fmt.Sprintf("rows%d", l), dt, d.MatMul)
	b := g.B
	lw, err := d.DeclareLayer(ws, b, l, true)
	if err != nil {
		return nil, err
	}
	rows := b.Input(InRows, dt, "b", d.Hidden)
	cos := b.Input(InCos, dt, 1, d.HeadDim)
	sin := b.Input(InSin, dt, 1, d.HeadDim)
	mask := b.Input(InMask, dt, "b", "t")
	pastK := b.Input(InPastK, dt, d.KVHeads, "t", d.HeadDim)
	pastV := b.Input(InPastV, dt, d.KVHeads, "t", d.HeadDim)

	h := lw.InputNorm.Apply(g, rows)
	q, k, v := d.QKV(g, lw, h, cos, sin)          // q [KVH, rep, b, hd]; k, v [KVH, b, hd]
	prefix := func(x *graph.Value) *graph.Value { // [KVH, t, hd] → [KVH, t−1, hd]
		return b.Slice(x, []int64{0}, []int64{-1}, []int64{1})
	}
	keys, values := prefix(pastK), prefix(pastV)

	// Logits against the shared keys, one product for every row, and
	// against each row's own key, a dot product per row (elementwise: a
	// batch of 1×1 products costs a kernel call each).
	shared := d.Logits(g, q, b.Unsqueeze(b.Transpose(keys, 0, 2, 1), 1))                 // [KVH, rep, b, t−1]
	own := d.scaleLogits(g, b.ReduceSum(b.Mul(q, b.Unsqueeze(k, 1)), []int64{-1}, true)) // [KVH, rep, b, 1]
	scores := b.Add(b.Concat(-1, shared, own), mask)                                     // [KVH, rep, b, t]
	probs := b.Softmax(scores, -1)
	sharedP := b.Slice(probs, []int64{0}, []int64{-1}, []int64{3})
	ownP := b.Slice(probs, []int64{-1}, []int64{math.MaxInt64}, []int64{3})
	ctx := b.Add(b.MatMul(sharedP, b.Unsqueeze(values, 1)), b.Mul(ownP, b.Unsqueeze(v, 1))) // [KVH, rep, b, hd]
	heads := b.Reshape(b.Transpose(ctx, 2, 0, 1, 3), 0, d.Heads*d.HeadDim)                  // [b, H·hd]
	_, attnResid := d.AttnOut(g, lw, heads)
	mid := b.Add(rows, attnResid)
	b.Output(b.Add(mid, d.MLPBlock(g, lw, mid)), OutOutput)
	return b.Build()
}

// scaleLogits scales raw query·key products and applies the soft cap, as
// Logits does after its product.
func (d Decoder) scaleLogits(g G, raw *graph.Value) *graph.Value {
	b := g.B
	scores := b.Mul(raw, g.Scalar(d.scale()))
	if d.Softcap > 0 {
		scores = b.Mul(b.Tanh(b.Mul(scores, g.Scalar(1/d.Softcap))), g.Scalar(d.Softcap))
	}
	return scores
}
