package decoder

import "github.com/vlmask/vlmask/backend/onnx/ort"

// Bounds of the attention budget chosen on the CPU, in scores: one block of
// queries holds 16 to 128 MB of float32 scores.
const (
	minAttnBudget = 4 << 20
	maxAttnBudget = 32 << 20
)

// attnBudget is how many attention scores one block of queries may hold
// (blocks.G.AttnBudget) on the device: opts.AttnBudget when set (negative:
// no blocking); on the CPU otherwise a 256th of the memory available,
// counted in float32 scores and kept within 4M..32M, so that the
// attention's transient memory (scores, softmax, context: about three
// times the budget) stays small next to what remains. A 2048×2048 image
// gives a Qwen3-VL vision tower 16 heads × 16,384² = 4.3G scores (17 GB
// in float32) at once; at 32M a block holds 128 rows of queries. On CUDA
// the attention stays whole unless asked (no blocking: one graph as
// before, its memory the GPU's).
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
	return min(max(int64(avail/256/4), minAttnBudget), maxAttnBudget)
}
