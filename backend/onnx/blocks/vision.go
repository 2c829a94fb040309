package blocks

import (
	"math"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// MLP is a feed-forward block: GatedMLP or DenseMLP.
type MLP interface {
	Apply(g G, x *graph.Value) *graph.Value
}

// ViTBlock is one pre-norm vision transformer block:
// x + proj(attn(norm1(x))), then + mlp(norm2(x)). Its attention is either
// a fused qkv projection (Qwen-VL towers) or separate q, k and v (CLIP,
// SigLIP); biases may be nil.
type ViTBlock struct {
	Hidden, Heads int64
	Norm1, Norm2  Norm
	// QKV is the fused projection [3·hidden, hidden]; when nil, Q, K and V
	// are used.
	QKV, QKVBias        *graph.Value
	Q, K, V             *graph.Value
	QBias, KBias, VBias *graph.Value
	Proj, ProjBias      *graph.Value
	MLP                 MLP
}

// HeadDim is the width of one attention head.
func (v ViTBlock) HeadDim() int64 { return v.Hidden / v.Heads }

// Mask says which keys each query of a ViT block sees: Additive, an
// additive [p, p] mask (0 where a query sees a key, −inf elsewhere), or
// Segments, int64 ids [p] where query i sees key j when their ids are
// equal (SegmentMask's block-diagonal attention, built one block of
// queries at a time); the zero Mask lets every query see every key.
type Mask struct {
	Additive, Segments *graph.Value
}

// Apply runs the block on x [p, hidden]. cos and sin, when not nil, are
// rotary tables [p, 1, headDim] (2-D rotary embeddings, applied to q and
// k); mask restricts the attention (per image or per window). The
// attention is computed in blocks of queries under g.AttnBudget.
func (v ViTBlock) Apply(g G, x, cos, sin *graph.Value, mask Mask) *graph.Value {
	b := g.B
	hd := v.HeadDim()
	h := v.Norm1.Apply(g, x)
	var q, k, val *graph.Value
	if v.QKV != nil {
		parts := b.Split(b.Reshape(g.Linear(h, v.QKV, v.QKVBias), 0, 3, v.Heads, hd), 1, 1, 1, 1) // each [p, 1, heads, hd]
		q, k, val = b.Squeeze(parts[0], 1), b.Squeeze(parts[1], 1), b.Squeeze(parts[2], 1)
	} else {
		q = b.Reshape(g.Linear(h, v.Q, v.QBias), 0, v.Heads, hd)
		k = b.Reshape(g.Linear(h, v.K, v.KBias), 0, v.Heads, hd)
		val = b.Reshape(g.Linear(h, v.V, v.VBias), 0, v.Heads, hd)
	}
	if cos != nil {
		q = g.Rope(q, cos, sin, hd)
		k = g.Rope(k, cos, sin, hd)
	}
	q = b.Transpose(q, 1, 0, 2) // [heads, p, hd]
	k = b.Transpose(k, 1, 2, 0) // [heads, hd, p]
	val = b.Transpose(val, 1, 0, 2)
	scale := 1 / math.Sqrt(float64(hd))
	perRow := b.Mul(b.ConstInt64(nil, v.Heads), Dim(g, x, 0))
	attn := g.Attention(q, val, perRow, func(bk Block) *graph.Value {
		s := bk.G.B
		scores := s.Mul(s.MatMul(bk.Q, k), bk.G.Scalar(scale))
		switch {
		case mask.Additive != nil:
			scores = s.Add(scores, bk.Rows(mask.Additive, 0, 0))
		case mask.Segments != nil:
			scores = s.Add(scores, bk.G.segmentRows(bk.EdgeRows(mask.Segments, 0), mask.Segments))
		}
		return scores
	})
	ctx := b.Reshape(b.Transpose(attn, 1, 0, 2), 0, v.Hidden) // [p, hidden]
	x = b.Add(x, g.Linear(ctx, v.Proj, v.ProjBias))
	return b.Add(x, v.MLP.Apply(g, v.Norm2.Apply(g, x)))
}

// PatchMerger is the Qwen-VL merger: each window of unit = merge² patches
// (consecutive rows of x, as the processor orders them) is concatenated
// into one token and sent through an MLP. The norm runs on each patch
// before the concatenation, or on the concatenation when PostShuffle
// (Qwen3-VL's DeepStack mergers).
type PatchMerger struct {
	Hidden, Unit int64
	Norm         Norm
	PostShuffle  bool
	MLP          DenseMLP
}

// Apply merges x [p, hidden] into [p/unit, out].
func (m PatchMerger) Apply(g G, x *graph.Value) *graph.Value {
	wide := m.Hidden * m.Unit
	if m.PostShuffle {
		x = m.Norm.Apply(g, g.B.Reshape(x, -1, wide))
	} else {
		x = g.B.Reshape(m.Norm.Apply(g, x), -1, wide)
	}
	return m.MLP.Apply(g, x)
}
