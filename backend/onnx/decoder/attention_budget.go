package decoder

import "github.com/vlmask/vlmask/backend/onnx/ort"

// Bounds of the attention budget chosen on the CPU, in scores: one block of
// queries holds 4 to 64 MB of float32 scores.
const (
	minAttnBudget = 1 << 20
	maxAttnBudget = 16 << 20
)

// attnBudget is how many attention scores one block of queries may hold
// (blocks.G.AttnBudget) on the device: opts.AttnBudget when set (negative:
// no blocking); on the CPU otherwise a 1024th of the memory available in
// scores (a 256th in float32 bytes), kept within 1M..16M. The attention's
// transient memory is then about three times 64 MB at most (scores,
// softmax, the block's context) where a 2048×2048 image gives a Qwen3-VL
// vision tower 16 heads × 16,384² = 4.3G scores (17 GB in float32) at
// once; at 16M a block holds 64 rows of queries. Blocks much smaller than
// 4M scores run slower (the Loop's per-block overhead, measured by
// blocks.BenchmarkAttention), larger ones no faster. On CUDA the attention
// stays whole unless asked (one graph as before; its memory the GPU's).
func attnBudget(opts Options, avail uint64, known bool) int64 {
	switch {
	case opts.AttnBudget < 0:
		return 0
	case opts.AttnBudget > 0:
		return opts.AttnBudget
	case opts.Session.Device.Kind != ort.CPU:
		return 0
	case !known:
		return maxAttnBudget
	}
	return min(max(int64(avail/1024), minAttnBudget), maxAttnBudget)
}
