package qwen3vl

import (
	"fmt"
	"math"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// opset is the ONNX opset of every graph here: 18 takes reduction axes as
// inputs.
const opset = 18

// textDims are the decoder's shapes and options, from config.json.
type textDims struct {
	hidden, heads, kvHeads, headDim, inter, vocab int64
	eps                                           float64
	qkNorm                                        bool // Qwen3: RMSNorm on each head's q and k
	qkvBias                                       bool // Qwen2: biases on q, k and v
	oBias                                         bool
	prefix                                        string // "model.language_model." or "model."
}

func (d textDims) rep() int64 { return d.heads / d.kvHeads }

// layerWeights are one decoder layer's weights declared in one graph.
type layerWeights struct {
	inNorm, postNorm    *graph.Value
	q, k, v, o          *graph.Value
	qBias, kBias, vBias *graph.Value
	oBias               *graph.Value
	qNorm, kNorm        *graph.Value
	gate, up, down      *graph.Value
}

// declareLayer declares layer l's weights in b; attention weights other than
// o_proj only when withQKV.
func declareLayer(b *graph.Builder, ws *weightStore, d textDims, l int, withQKV bool) (*layerWeights, error) {
	w := &declarer{ws: ws, b: b, prefix: fmt.Sprintf("%slayers.%d.", d.prefix, l)}
	qDim, kvDim := d.heads*d.headDim, d.kvHeads*d.headDim
	lw := &layerWeights{
		postNorm: w.get("post_attention_layernorm.weight", d.hidden),
		o:        w.get("self_attn.o_proj.weight", d.hidden, qDim),
		gate:     w.get("mlp.gate_proj.weight", d.inter, d.hidden),
		up:       w.get("mlp.up_proj.weight", d.inter, d.hidden),
		down:     w.get("mlp.down_proj.weight", d.hidden, d.inter),
	}
	if d.oBias {
		lw.oBias = w.get("self_attn.o_proj.bias", d.hidden)
	}
	if withQKV {
		lw.inNorm = w.get("input_layernorm.weight", d.hidden)
		lw.q = w.get("self_attn.q_proj.weight", qDim, d.hidden)
		lw.k = w.get("self_attn.k_proj.weight", kvDim, d.hidden)
		lw.v = w.get("self_attn.v_proj.weight", kvDim, d.hidden)
		if d.qkvBias {
			lw.qBias = w.get("self_attn.q_proj.bias", qDim)
			lw.kBias = w.get("self_attn.k_proj.bias", kvDim)
			lw.vBias = w.get("self_attn.v_proj.bias", kvDim)
		}
		if d.qkNorm {
			lw.qNorm = w.get("self_attn.q_norm.weight", d.headDim)
			lw.kNorm = w.get("self_attn.k_norm.weight", d.headDim)
		}
	}
	return lw, w.err
}

// qkv projects normed hidden states h [n, hidden] to rotated queries
// [kvHeads, rep, n, headDim] and rotated keys and values [kvHeads, n,
// headDim]. cos and sin are [n, headDim].
func (d textDims) qkv(m nn, lw *layerWeights, h, cos, sin *graph.Value) (q, k, v *graph.Value) {
	b := m.b
	q = b.Reshape(m.linear(h, lw.q, lw.qBias), 0, d.heads, d.headDim)   // [n, H, hd]
	k = b.Reshape(m.linear(h, lw.k, lw.kBias), 0, d.kvHeads, d.headDim) // [n, KVH, hd]
	v = b.Reshape(m.linear(h, lw.v, lw.vBias), 0, d.kvHeads, d.headDim)
	if d.qkNorm {
		q = m.rmsNorm(q, lw.qNorm, d.eps)
		k = m.rmsNorm(k, lw.kNorm, d.eps)
	}
	// cos/sin [n, hd] broadcast over heads as [n, 1, hd].
	c := b.Unsqueeze(cos, 1)
	s := b.Unsqueeze(sin, 1)
	q = m.rope(q, c, s, d.headDim)
	k = m.rope(k, c, s, d.headDim)
	// Head h = kv·rep + r, the order of transformers' repeat_kv.
	q = b.Transpose(b.Reshape(q, 0, d.kvHeads, d.rep(), d.headDim), 1, 2, 0, 3) // [KVH, rep, n, hd]
	k = b.Transpose(k, 1, 0, 2)                                                 // [KVH, n, hd]
	v = b.Transpose(v, 1, 0, 2)
	return q, k, v
}

// mlpBlock is the layer's second half applied to the post-attention
// residual mid: the SwiGLU MLP of post_attention_layernorm(mid). x must be
// 2-D.
func (d textDims) mlpBlock(m nn, lw *layerWeights, mid *graph.Value) *graph.Value {
	h := m.rmsNorm(mid, lw.postNorm, d.eps)
	act := m.b.Mul(m.silu(m.linear(h, lw.gate, nil)), m.linear(h, lw.up, nil))
	return m.linear(act, lw.down, nil)
}

// buildLayer builds decoder layer l for n new tokens (symbolic "n") after a
// KV cache of p tokens (symbolic "p", may be 0).
//
// Inputs: hidden [n, hidden], cos and sin [n, headDim], mask [n, p+n]
// (additive, causal), past_k and past_v [kvHeads, p, headDim].
// Outputs: output [n, hidden]; present_k and present_v [kvHeads, p+n,
// headDim]; scores_last [heads, p+n]: the final query row's scaled, masked
// attention logits.
func buildLayer(ws *weightStore, d textDims, l int) (*graph.Model, error) {
	dt := ws.dt
	b := graph.New(fmt.Sprintf("layer%d", l), opset)
	m := nn{b: b, dt: dt}
	lw, err := declareLayer(b, ws, d, l, true)
	if err != nil {
		return nil, err
	}
	hidden := b.Input("hidden", dt, "n", d.hidden)
	cos := b.Input("cos", dt, "n", d.headDim)
	sin := b.Input("sin", dt, "n", d.headDim)
	mask := b.Input("mask", dt, "n", "t")
	pastK := b.Input("past_k", dt, d.kvHeads, "p", d.headDim)
	pastV := b.Input("past_v", dt, d.kvHeads, "p", d.headDim)

	h := m.rmsNorm(hidden, lw.inNorm, d.eps)
	q, k, v := d.qkv(m, lw, h, cos, sin)
	keys := b.Concat(1, pastK, k)   // [KVH, t, hd]
	values := b.Concat(1, pastV, v) // [KVH, t, hd]

	kT := b.Unsqueeze(b.Transpose(keys, 0, 2, 1), 1) // [KVH, 1, hd, t]
	scores := b.Add(b.Mul(b.MatMul(q, kT), m.scalar(1/math.Sqrt(float64(d.headDim)))), mask)
	probs := b.Softmax(scores, -1)
	ctx := b.MatMul(probs, b.Unsqueeze(values, 1))                         // [KVH, rep, n, hd]
	heads := b.Reshape(b.Transpose(ctx, 2, 0, 1, 3), 0, d.heads*d.headDim) // [n, H·hd]
	attn := m.linear(heads, lw.o, lw.oBias)
	mid := b.Add(hidden, attn)
	out := b.Add(mid, d.mlpBlock(m, lw, mid))

	last := b.Slice(scores, []int64{-1}, []int64{math.MaxInt64}, []int64{2}) // [KVH, rep, 1, t]
	b.Output(out, "output")
	b.Output(keys, "present_k")
	b.Output(values, "present_v")
	b.Output(b.Reshape(last, d.heads, -1), "scores_last")
	return b.Build()
}

// buildTail builds layer l's knockout tail: for g replacement head outputs
// at the final position it runs o_proj and the MLP block.
//
// Inputs: heads [g, heads·headDim]; resid [1, hidden] (the layer's input at
// the final position). Outputs: attn [g, hidden] (after o_proj) and update
// [g, hidden] = attn + MLP(post_attention_layernorm(resid + attn)), the
// layer's output minus its input.
func buildTail(ws *weightStore, d textDims, l int) (*graph.Model, error) {
	dt := ws.dt
	b := graph.New(fmt.Sprintf("tail%d", l), opset)
	m := nn{b: b, dt: dt}
	lw, err := declareLayer(b, ws, d, l, false)
	if err != nil {
		return nil, err
	}
	heads := b.Input("heads", dt, "g", d.heads*d.headDim)
	resid := b.Input("resid", dt, 1, d.hidden)
	attn := m.linear(heads, lw.o, lw.oBias)
	update := b.Add(attn, d.mlpBlock(m, lw, b.Add(resid, attn)))
	b.Output(attn, "attn")
	b.Output(update, "update")
	return b.Build()
}

// buildRecompute builds layer l's brute-force knockout: the whole layer
// rerun on all s positions once per group (batch g), with the final query
// row's logits at the group's keys set to −inf. It shares nothing with the
// fast path but the weights.
//
// Inputs: hidden [s, hidden] (the layer's true inputs), cos and sin [s,
// headDim], mask [s, s] (additive, causal), knock [g, s] (bool: key j is in
// group b), last_row [s, 1] (bool: true on the final row only).
// Outputs, at the final position: heads [g, heads·headDim], attn and update
// [g, hidden].
func buildRecompute(ws *weightStore, d textDims, l int) (*graph.Model, error) {
	dt := ws.dt
	b := graph.New(fmt.Sprintf("recompute%d", l), opset)
	m := nn{b: b, dt: dt}
	lw, err := declareLayer(b, ws, d, l, true)
	if err != nil {
		return nil, err
	}
	hidden := b.Input("hidden", dt, "s", d.hidden)
	cos := b.Input("cos", dt, "s", d.headDim)
	sin := b.Input("sin", dt, "s", d.headDim)
	mask := b.Input("mask", dt, "s", "s")
	knock := b.Input("knock", graph.Bool, "g", "s")
	lastRow := b.Input("last_row", graph.Bool, "s", 1)

	h := m.rmsNorm(hidden, lw.inNorm, d.eps)
	q, k, v := d.qkv(m, lw, h, cos, sin) // q [KVH, rep, s, hd]; k, v [KVH, s, hd]
	kT := b.Unsqueeze(b.Transpose(k, 0, 2, 1), 1)
	scores := b.Add(b.Mul(b.MatMul(q, kT), m.scalar(1/math.Sqrt(float64(d.headDim)))), mask) // [KVH, rep, s, s]

	// knocked[g, 1, 1, i, j] = knock[g, j] && last_row[i]
	knocked := b.Op("And", []*graph.Value{b.Unsqueeze(knock, 1, 2, 3), lastRow})
	negInf := b.Scalar(dt, math.Inf(-1))
	zero := b.Scalar(dt, 0)
	scores = b.Add(b.Unsqueeze(scores, 0), b.Where(knocked, negInf, zero)) // [g, KVH, rep, s, s]
	probs := b.Softmax(scores, -1)
	ctx := b.MatMul(probs, b.Unsqueeze(v, 0, 2))                                 // [g, KVH, rep, s, hd]
	heads := b.Reshape(b.Transpose(ctx, 0, 3, 1, 2, 4), 0, 0, d.heads*d.headDim) // [g, s, H·hd]
	attn := reshapeLead(b, m.linear(b.Reshape(heads, -1, d.heads*d.headDim), lw.o, lw.oBias), heads, d.hidden)
	mid := b.Add(attn, hidden) // [g, s, hidden]
	mlp := reshapeLead(b, d.mlpBlock(m, lw, b.Reshape(mid, -1, d.hidden)), heads, d.hidden)
	update := b.Add(attn, mlp)

	lastOf := func(x *graph.Value) *graph.Value { // [g, s, w] → [g, w]
		return b.Squeeze(b.Slice(x, []int64{-1}, []int64{math.MaxInt64}, []int64{1}), 1)
	}
	b.Output(lastOf(heads), "heads")
	b.Output(lastOf(attn), "attn")
	b.Output(lastOf(update), "update")
	return b.Build()
}

// reshapeLead reshapes a flattened [g·s, width] x back to [g, s, width],
// taking g and s from like's first two dims.
func reshapeLead(b *graph.Builder, x, like *graph.Value, width int64) *graph.Value {
	lead := b.Slice(b.Shape(like), []int64{0}, []int64{2}, []int64{0})
	return b.Op("Reshape", []*graph.Value{x, b.Concat(0, lead, b.ConstInt64(nil, width))})
}

// buildHead builds the final RMSNorm and lm_head: hidden [n, hidden] →
// logits [n, vocab].
func buildHead(ws *weightStore, d textDims, lmHead string) (*graph.Model, error) {
	dt := ws.dt
	b := graph.New("head", opset)
	m := nn{b: b, dt: dt}
	w := &declarer{ws: ws, b: b}
	norm := w.get(d.prefix+"norm.weight", d.hidden)
	lm := w.get(lmHead, d.vocab, d.hidden)
	if w.err != nil {
		return nil, w.err
	}
	hidden := b.Input("hidden", dt, "n", d.hidden)
	b.Output(m.linear(m.rmsNorm(hidden, norm, d.eps), lm, nil), "logits")
	return b.Build()
}
