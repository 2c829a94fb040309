package decoder

import (
	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// DefaultRecomputeMemory is Options.RecomputeMemory's default: the
// brute-force method stays within 1 GiB of the fast method's peak.
const DefaultRecomputeMemory = 1 << 30

// RecomputeGroupBytes is the transient memory one group adds to a batch of
// the recompute graph (blocks.Decoder.RecomputeGraph) over a sequence of
// seqLen tokens. The graph reruns the whole layer over the sequence once
// per group; at its peak, in the MLP, it holds per token the residual
// stream and its copies (4 × hidden), the attention context in two orders
// (2 × heads·headDim) and the gate, up and gated products (3 ×
// intermediate), in the compute dtype — and ONNX Runtime's arena holds
// more than the live tensors: on a Qwen3-VL-2B-shaped layer over 1,050
// tokens it grew by 190–217 MB a group (1, 4 and 8 groups a batch), 1.5–1.7
// times those tensors (123 MB), so they are counted 7/4 times. The blocked
// attention's scores are bounded separately by the attention budget.
func RecomputeGroupBytes(d blocks.Decoder, dt graph.DType, seqLen int) int64 {
	perToken := 2*d.Heads*d.HeadDim + 4*d.Hidden + 3*d.Inter
	return int64(seqLen) * perToken * int64(dt.Size()) * 7 / 4
}

// RecomputeKeptBytes is what a sequence keeps for the recompute method on
// top of the fast method's state: every layer's inputs at every position,
// in the compute dtype.
func RecomputeKeptBytes(d blocks.Decoder, dt graph.DType, layers, seqLen int) int64 {
	return int64(layers) * int64(seqLen) * d.Hidden * int64(dt.Size())
}

// RecomputeBatch is how many groups one recompute batch holds so that its
// transient memory, with the kept layer inputs (RecomputeKeptBytes), stays
// under limit bytes: at least one.
func RecomputeBatch(d blocks.Decoder, dt graph.DType, layers, seqLen int, limit int64) int {
	per := RecomputeGroupBytes(d, dt, seqLen)
	if per <= 0 {
		return 1
	}
	return int(max(1, (limit-RecomputeKeptBytes(d, dt, layers, seqLen))/per))
}
