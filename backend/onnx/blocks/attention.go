package blocks

import (
	"math"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// ScoreFunc builds the attention scores of one block of query rows: the
// scaled, masked logits of blk.Q, whose last axis runs over the keys.
type ScoreFunc func(blk Block) *graph.Value

// Block is one block of query rows of a blocked attention, seen from the
// ScoreFunc that builds its scores.
type Block struct {
	// G is the graph the block's nodes go into: a Loop body when the
	// attention is blocked.
	G G
	// Q are the block's queries (rows on axis −2).
	Q *graph.Value
	// start and end are the block's rows, int64 [1] (end may pass n, the
	// number of queries); nil when the block holds every row.
	start, end, n *graph.Value
}

// Rows returns the block's rows of x, a value with one row per query
// along axis (a mask, per-query ids): rows start..end, the rows past the
// last query filled with pad, so that every block has the same shape.
func (bk Block) Rows(x *graph.Value, axis int64, pad float64) *graph.Value {
	if bk.start == nil {
		return x
	}
	b := bk.G.B
	return b.Op("Pad", []*graph.Value{bk.slice(x, axis), bk.pads(), b.Scalar(x.DType(), pad), b.ConstInt64(nil, axis)})
}

// EdgeRows is Rows with the rows past the last query copies of the last
// one (Pad's edge mode): for ids, whose padding must still match some key.
func (bk Block) EdgeRows(x *graph.Value, axis int64) *graph.Value {
	if bk.start == nil {
		return x
	}
	b := bk.G.B
	return b.Op("Pad", []*graph.Value{bk.slice(x, axis), bk.pads(), nil, b.ConstInt64(nil, axis)}, graph.AttrString("mode", "edge"))
}

// Index is the block's row numbers, int64 [rows] (start..end−1; 0..n−1
// when the block holds every row, of the n rows of like along axis).
func (bk Block) Index(like *graph.Value, axis int64) *graph.Value {
	b := bk.G.B
	if bk.start == nil {
		n := b.Squeeze(Dim(bk.G, like, axis), 0)
		return b.Op("Range", []*graph.Value{b.Const(graph.Int64, []int64{}, []float64{0}), n, b.Const(graph.Int64, []int64{}, []float64{1})})
	}
	return b.Op("Range", []*graph.Value{b.Squeeze(bk.start, 0), b.Squeeze(bk.end, 0), b.Const(graph.Int64, []int64{}, []float64{1})})
}

func (bk Block) slice(x *graph.Value, axis int64) *graph.Value {
	b := bk.G.B
	return b.Op("Slice", []*graph.Value{x, bk.start, bk.end, b.ConstInt64(nil, axis)})
}

// pads are Pad's [before, after] for the block's rows past the last query:
// end − min(end, n) after.
func (bk Block) pads() *graph.Value {
	b := bk.G.B
	missing := b.Sub(bk.end, b.Op("Min", []*graph.Value{bk.end, bk.n}))
	return b.Concat(0, b.ConstInt64(nil, 0), missing)
}

// Dim is x's size along axis, int64 [1].
func Dim(g G, x *graph.Value, axis int64) *graph.Value {
	b := g.B
	end := axis + 1
	if end == 0 {
		end = math.MaxInt64
	}
	return b.Slice(b.Shape(x), []int64{axis}, []int64{end}, nil)
}

// Attention is softmax(scores)·v for the queries q [..., n, hd] (rows on
// axis −2) and values v [..., t, hd] (broadcast against the probabilities
// [..., n, t]), where scores builds the masked logits of a block of
// queries. It returns [..., n, hd].
//
// With g.AttnBudget > 0 the queries are split into K equal blocks of at
// most AttnBudget / perRow rows each (at least one row), where perRow
// (int64 [1]) is the number of scores one query row has, and a Loop
// computes one block at a time: no more than AttnBudget scores exist at
// once instead of all n·perRow of them, and each row's numbers are those
// of the unblocked computation (the same products, sums and softmax over
// the same keys). K and the block size follow from n at run time, so one
// graph serves every sequence length; the last block is padded (Rows) and
// the padding dropped. With AttnBudget 0 every row is computed at once,
// without a Loop.
func (g G) Attention(q, v, perRow *graph.Value, scores ScoreFunc) *graph.Value {
	b := g.B
	if g.AttnBudget <= 0 {
		return b.MatMul(b.Softmax(scores(Block{G: g, Q: q}), -1), v)
	}
	one := b.ConstInt64(nil, 1)
	n := Dim(g, q, -2)
	rows := b.Op("Max", []*graph.Value{b.Div(b.ConstInt64(nil, g.AttnBudget), perRow), one})
	k := b.Div(b.Sub(b.Add(n, rows), one), rows) // ⌈n / rows⌉ blocks
	size := b.Div(b.Sub(b.Add(n, k), one), k)    // ⌈n / k⌉ rows each
	rank := -1                                   // of a block's output, set by the body
	_, stacked := b.Loop(b.Squeeze(k, 0), nil, 1, func(sub *graph.Builder, iter *graph.Value, _ []*graph.Value) (next, scans []*graph.Value) {
		sg := g
		sg.B = sub
		start := sub.Mul(sub.Unsqueeze(iter, 0), size)
		bk := Block{G: sg, start: start, end: sub.Add(start, size), n: n}
		bk.Q = bk.Rows(q, -2, 0)
		ctx := sub.MatMul(sub.Softmax(scores(bk), -1), v)
		rank = ctx.Rank()
		return nil, []*graph.Value{ctx}
	})
	if rank < 2 {
		b.Fail("blocked attention: the rank of a block's output is unknown")
		return stacked[0]
	}
	// [K, ..., size, hd] → [..., K, size, hd] → [..., K·size, hd] → rows 0..n−1.
	perm := make([]int64, 0, rank+1)
	for i := 1; i <= rank-2; i++ {
		perm = append(perm, int64(i))
	}
	perm = append(perm, 0, int64(rank-1), int64(rank))
	t := b.Transpose(stacked[0], perm...)
	shape := b.Shape(t)
	merged := b.Concat(0, b.Slice(shape, []int64{0}, []int64{int64(rank - 2)}, nil), b.ConstInt64(nil, -1), b.Slice(shape, []int64{int64(rank)}, []int64{int64(rank + 1)}, nil))
	out := b.Op("Reshape", []*graph.Value{t, merged})
	return b.Op("Slice", []*graph.Value{out, b.ConstInt64(nil, 0), n, b.ConstInt64(nil, -2)})
}
