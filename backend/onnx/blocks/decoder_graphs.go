package blocks

import (
	"fmt"
	"math"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/weights"
)

// Names of the decoder graphs' inputs and outputs, shared with the runtime
// that feeds them.
const (
	InHidden  = "hidden"
	InCos     = "cos"
	InSin     = "sin"
	InMask    = "mask"
	InPastK   = "past_k"
	InPastV   = "past_v"
	InHeads   = "heads"
	InResid   = "resid"
	InKnock   = "knock"
	InLastRow = "last_row"

	OutOutput     = "output"
	OutOutputLast = "output_last"
	OutInputLast  = "input_last"
	OutValues     = "values"
	OutPresentK   = "present_k"
	OutPresentV   = "present_v"
	OutScoresLast = "scores_last"
	OutAttn       = "attn"
	OutUpdate     = "update"
	OutHeads      = "heads"
	OutLogits     = "logits"
)

// LayerGraph builds decoder layer l for n new tokens (symbolic "n") after
// a KV cache of p tokens (symbolic "p", may be 0).
//
// Inputs: hidden [n, hidden], cos and sin [n, headDim], mask [n, p+n]
// (additive: 0 where a query sees a key, −inf elsewhere), past_k and
// past_v [kvHeads, p, headDim]. Outputs: output [n, hidden]; present_k and
// present_v [kvHeads, p+n, headDim]; scores_last [heads, p+n]: the final
// query row's scaled, masked attention logits. For a runtime that keeps
// output and the presents in device memory, it also gives what the host
// reads: input_last and output_last [1, hidden] (the final position's
// input and output) and values, a copy of present_v.
func (d Decoder) LayerGraph(ws *weights.Store, l int) (*graph.Model, error) {
	dt := ws.DType()
	g := d.graph(fmt.Sprintf("layer%d", l), dt)
	b := g.B
	lw, err := d.DeclareLayer(ws, b, l, true)
	if err != nil {
		return nil, err
	}
	hidden := b.Input(InHidden, dt, "n", d.Hidden)
	cos := b.Input(InCos, dt, "n", d.HeadDim)
	sin := b.Input(InSin, dt, "n", d.HeadDim)
	mask := b.Input(InMask, dt, "n", "t")
	pastK := b.Input(InPastK, dt, d.KVHeads, "p", d.HeadDim)
	pastV := b.Input(InPastV, dt, d.KVHeads, "p", d.HeadDim)

	h := lw.InputNorm.Apply(g, hidden)
	q, k, v := d.QKV(g, lw, h, cos, sin)
	keys := b.Concat(1, pastK, k)   // [KVH, t, hd]
	values := b.Concat(1, pastV, v) // [KVH, t, hd]

	kT := b.Unsqueeze(b.Transpose(keys, 0, 2, 1), 1)                       // [KVH, 1, hd, t]
	ctx, last := d.attention(g, q, kT, b.Unsqueeze(values, 1), mask)       // [KVH, rep, n, hd], [KVH, rep, 1, t]
	heads := b.Reshape(b.Transpose(ctx, 2, 0, 1, 3), 0, d.Heads*d.HeadDim) // [n, H·hd]
	_, attnResid := d.AttnOut(g, lw, heads)
	mid := b.Add(hidden, attnResid)
	out := b.Add(mid, d.MLPBlock(g, lw, mid))

	lastRow := func(x *graph.Value) *graph.Value { return b.Slice(x, []int64{-1}, []int64{math.MaxInt64}, []int64{0}) }
	b.Output(out, OutOutput)
	b.Output(keys, OutPresentK)
	b.Output(values, OutPresentV)
	b.Output(b.Reshape(last, d.Heads, -1), OutScoresLast)
	b.Output(lastRow(hidden), OutInputLast)
	b.Output(lastRow(out), OutOutputLast)
	b.Output(b.Identity(values), OutValues)
	return b.Build()
}

// TailGraph builds layer l's knockout tail: for g replacement head outputs
// at the final position it runs the rest of the layer.
//
// Inputs: heads [g, heads·headDim]; resid [1, hidden] (the layer's input
// at the final position). Outputs: attn [g, hidden] (o_proj's output,
// AttnOut's proj) and update [g, hidden] = a + MLPBlock(resid + a), the
// layer's output minus its input, where a is what the attention adds to
// the residual stream (attn, or its post-attention norm in a sandwich
// layer).
func (d Decoder) TailGraph(ws *weights.Store, l int) (*graph.Model, error) {
	dt := ws.DType()
	g := NewMixed(fmt.Sprintf("tail%d", l), dt, d.MatMul)
	b := g.B
	lw, err := d.DeclareLayer(ws, b, l, false)
	if err != nil {
		return nil, err
	}
	heads := b.Input(InHeads, dt, "g", d.Heads*d.HeadDim)
	resid := b.Input(InResid, dt, 1, d.Hidden)
	attn, attnResid := d.AttnOut(g, lw, heads)
	update := b.Add(attnResid, d.MLPBlock(g, lw, b.Add(resid, attnResid)))
	b.Output(attn, OutAttn)
	b.Output(update, OutUpdate)
	return b.Build()
}

// RecomputeGraph builds layer l's brute-force knockout: the whole layer
// rerun on all s positions once per group (batch g), with the final query
// row's logits at the group's keys set to −inf. It shares nothing with the
// fast path but the weights.
//
// Inputs: hidden [s, hidden] (the layer's true inputs), cos and sin [s,
// headDim], mask [s, s] (additive), knock [g, s] (bool: key j is in group
// b), last_row [s, 1] (bool: true on the final row only). Outputs, at the
// final position: heads [g, heads·headDim], attn and update [g, hidden].
func (d Decoder) RecomputeGraph(ws *weights.Store, l int) (*graph.Model, error) {
	dt := ws.DType()
	g := d.graph(fmt.Sprintf("recompute%d", l), dt)
	b := g.B
	lw, err := d.DeclareLayer(ws, b, l, true)
	if err != nil {
		return nil, err
	}
	hidden := b.Input(InHidden, dt, "s", d.Hidden)
	cos := b.Input(InCos, dt, "s", d.HeadDim)
	sin := b.Input(InSin, dt, "s", d.HeadDim)
	mask := b.Input(InMask, dt, "s", "s")
	knock := b.Input(InKnock, graph.Bool, "g", "s")
	lastRow := b.Input(InLastRow, graph.Bool, "s", 1)

	h := lw.InputNorm.Apply(g, hidden)
	q, k, v := d.QKV(g, lw, h, cos, sin) // q [KVH, rep, s, hd]; k, v [KVH, s, hd]
	kT := b.Unsqueeze(b.Transpose(k, 0, 2, 1), 1)
	ctx := d.recomputeAttention(g, q, kT, v, mask, knock, lastRow)               // [g, KVH, rep, s, hd]
	heads := b.Reshape(b.Transpose(ctx, 0, 3, 1, 2, 4), 0, 0, d.Heads*d.HeadDim) // [g, s, H·hd]
	proj, attnResid := d.AttnOut(g, lw, b.Reshape(heads, -1, d.Heads*d.HeadDim))
	attn := reshapeLead(b, proj, heads, d.Hidden)
	res := reshapeLead(b, attnResid, heads, d.Hidden)
	mid := b.Add(res, hidden) // [g, s, hidden]
	mlp := reshapeLead(b, d.MLPBlock(g, lw, b.Reshape(mid, -1, d.Hidden)), heads, d.Hidden)
	update := b.Add(res, mlp)

	lastOf := func(x *graph.Value) *graph.Value { // [g, s, w] → [g, w]
		return b.Squeeze(b.Slice(x, []int64{-1}, []int64{math.MaxInt64}, []int64{1}), 1)
	}
	b.Output(lastOf(heads), OutHeads)
	b.Output(lastOf(attn), OutAttn)
	b.Output(lastOf(update), OutUpdate)
	return b.Build()
}

// reshapeLead reshapes a flattened [g·s, width] x back to [g, s, width],
// taking g and s from like's first two dims.
func reshapeLead(b *graph.Builder, x, like *graph.Value, width int64) *graph.Value {
	lead := b.Slice(b.Shape(like), []int64{0}, []int64{2}, []int64{0})
	return b.Op("Reshape", []*graph.Value{x, b.Concat(0, lead, b.ConstInt64(nil, width))})
}

// Head is the final norm and the unembedding.
type Head struct {
	Norm string // the final norm's weight, e.g. "model.norm.weight"
	// Unembed is lm_head's weight [vocab, hidden] (the embedding table when
	// the checkpoint ties them).
	Unembed string
	// Softcap, when positive, caps the logits at Softcap·tanh(z/Softcap)
	// (final_logit_softcapping).
	Softcap float64
}

// HeadGraph builds the final norm and lm_head: hidden [n, hidden] → logits
// [n, vocab], and normed [n, hidden], the final norm's output (what the
// propagated knockout's final_hidden_l2 compares).
func (d Decoder) HeadGraph(ws *weights.Store, h Head) (*graph.Model, error) {
	dt := ws.DType()
	g := NewMixed("head", dt, d.MatMul)
	b := g.B
	w := weights.NewDeclarer(ws, b, "")
	norm := Norm{Kind: d.Norm, Weight: w.Get(h.Norm, d.Hidden), Eps: d.Eps}
	lm := w.Get(h.Unembed, d.Vocab, d.Hidden)
	if err := w.Err(); err != nil {
		return nil, err
	}
	hidden := b.Input(InHidden, dt, "n", d.Hidden)
	normed := norm.Apply(g, hidden)
	logits := g.Linear(normed, lm, nil)
	if h.Softcap > 0 {
		logits = b.Mul(b.Tanh(b.Mul(logits, g.Scalar(1/h.Softcap))), g.Scalar(h.Softcap))
	}
	b.Output(logits, OutLogits)
	b.Output(normed, OutNormed)
	return b.Build()
}
