package blocks

import (
	"math"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// attention is a decoder layer's attention of queries q [KVH, rep, n, hd]
// over keys kT [KVH, 1, hd, t] and values v [KVH, 1, t, hd] under the
// additive mask [n, t]: the context [KVH, rep, n, hd] and the final query
// row's masked logits [KVH, rep, 1, t]. Under g.AttnBudget the queries go
// in blocks (Attention) and the final row's logits are computed on their
// own; without one, as one [KVH, rep, n, t] tensor.
func (d Decoder) attention(g G, q, kT, v, mask *graph.Value) (ctx, last *graph.Value) {
	b := g.B
	if g.AttnBudget <= 0 {
		scores := b.Add(d.Logits(g, q, kT), mask)
		last = b.Slice(scores, []int64{-1}, []int64{math.MaxInt64}, []int64{2})
		return b.MatMul(b.Softmax(scores, -1), v), last
	}
	perRow := b.Mul(b.ConstInt64(nil, d.Heads), Dim(g, kT, -1))
	ctx = g.Attention(q, v, perRow, func(bk Block) *graph.Value {
		return bk.G.B.Add(d.Logits(bk.G, bk.Q, kT), bk.Rows(mask, 0, 0))
	})
	final := func(x *graph.Value, axis int64) *graph.Value {
		return b.Slice(x, []int64{-1}, []int64{math.MaxInt64}, []int64{axis})
	}
	last = b.Add(d.Logits(g, final(q, 2), kT), final(mask, 0))
	return ctx, last
}

// recomputeAttention is the recompute graph's attention: for each group b
// of knock [g, s] (bool), queries q [KVH, rep, s, hd] attend over keys kT
// [KVH, 1, hd, s] and values v [KVH, s, hd] under the additive mask [s,
// s], the final query row (last_row [s, 1], bool) not seeing the group's
// keys. It returns the context [g, KVH, rep, s, hd].
func (d Decoder) recomputeAttention(g G, q, kT, v, mask, knock, lastRow *graph.Value) *graph.Value {
	b := g.B
	dt := g.DT
	negInf, zero := b.Scalar(dt, math.Inf(-1)), b.Scalar(dt, 0)
	values := b.Unsqueeze(v, 0, 2) // [1, KVH, 1, s, hd]
	if g.AttnBudget <= 0 {
		scores := b.Add(d.Logits(g, q, kT), mask) // [KVH, rep, s, s]
		// knocked[g, 1, 1, i, j] = knock[g, j] && last_row[i]
		knocked := b.Op("And", []*graph.Value{b.Unsqueeze(knock, 1, 2, 3), lastRow})
		scores = b.Add(b.Unsqueeze(scores, 0), b.Where(knocked, negInf, zero)) // [g, KVH, rep, s, s]
		return b.MatMul(b.Softmax(scores, -1), values)
	}
	perRow := b.Mul(b.Mul(b.ConstInt64(nil, d.Heads), Dim(g, knock, 0)), Dim(g, knock, 1))
	lastRows := b.Cast(lastRow, dt) // 0/1, so that a block can pad it
	return g.Attention(q, values, perRow, func(bk Block) *graph.Value {
		s := bk.G.B
		scores := s.Add(d.Logits(bk.G, bk.Q, kT), bk.Rows(mask, 0, 0)) // [KVH, rep, rows, s]
		isLast := s.Cast(bk.Rows(lastRows, 0, 0), graph.Bool)          // [rows, 1]
		knocked := s.Op("And", []*graph.Value{s.Unsqueeze(knock, 1, 2, 3), isLast})
		return s.Add(s.Unsqueeze(scores, 0), s.Where(knocked, negInf, zero)) // [g, KVH, rep, rows, s]
	})
}

// graph starts one of the decoder's graphs, its attention blocked under
// d.AttnBudget.
func (d Decoder) graph(name string, dt graph.DType) G {
	g := NewMixed(name, dt, d.MatMul)
	g.AttnBudget = d.AttnBudget
	return g
}
