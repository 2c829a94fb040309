package blocks

import (
	"math"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// SegmentMask is the additive attention mask of a sequence cut into
// segments that attend only within themselves: for segment ids [p]
// (int64), a [p, p] mask that is 0 where query i and key j carry the same
// id and −inf elsewhere. With the ids of consecutive segments
// (SegmentIDs) it is block-diagonal — variable-length attention
// (cu_seqlens) as one masked attention, e.g. Qwen2.5-VL's window attention
// over its window-ordered patches.
func (g G) SegmentMask(ids *graph.Value) *graph.Value {
	return g.segmentRows(ids, ids)
}

// segmentRows is the rows of a segment mask for queries with ids rows [n]
// against keys with ids keys [t]: [n, t].
func (g G) segmentRows(rows, keys *graph.Value) *graph.Value {
	b := g.B
	same := b.Op("Equal", []*graph.Value{b.Unsqueeze(rows, 1), b.Unsqueeze(keys, 0)})
	return b.Where(same, g.Scalar(0), g.Scalar(math.Inf(-1)))
}

// SegmentIDs numbers the positions of consecutive segments of the given
// lengths: lengths [2, 3, 1] give [0 0 1 1 1 2]. Empty segments take no
// position (their number is skipped).
func SegmentIDs(lengths []int) []int64 {
	var ids []int64
	for s, n := range lengths {
		for range n {
			ids = append(ids, int64(s))
		}
	}
	return ids
}
