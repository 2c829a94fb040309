package decoder

import (
	"maps"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// Options configure Load.
type Options struct {
	// DType is the compute dtype: graph.Float32 (default) or graph.Float64
	// (CPU only; for exactness checks).
	DType graph.DType
	// Session carries the execution provider and threading; IntraOpThreads
	// defaults to the number of CPUs. On a Runtime with a shared thread
	// pool (ort.LoadOptions.SharedThreads) every session uses it.
	Session ort.SessionOptions
	// MatMul, when BFloat16 or Float16, runs the matrix products in that
	// dtype with the matrices stored in it (CUDA only: ONNX Runtime's CPU
	// provider has no half-precision products). Norms, softmax, the
	// residual stream and the knockout stay in DType.
	MatMul graph.DType
	// KeepHalfWeights keeps a BF16/F16 checkpoint's matrices half-size in
	// memory, cast to DType inside each graph just before use, instead of
	// converting them once at load.
	KeepHalfWeights bool
	// TF32 lets CUDA matrix products in float32 use TensorFloat-32 (about
	// 3 decimal digits fewer; off by default, as the golden tolerance
	// assumes IEEE float32).
	TF32 bool
	// Recompute also builds the brute-force recompute sessions
	// (LayerProbe.Recompute).
	Recompute bool
	// RecomputeMemory bounds, in bytes, the transient memory of one batch
	// of the brute-force method (LayerProbe.Recompute): its batches hold
	// as many groups as fit (at least one). 0 means DefaultRecomputeMemory.
	RecomputeMemory int64
	// AttnBudget bounds the attention scores one block of queries holds in
	// the vision tower, the layers' prefill and the recompute graphs
	// (blocks.G.AttnBudget): 0 chooses it from the memory available on the
	// CPU and leaves CUDA's attention whole; negative never blocks.
	AttnBudget int64
	// CPUArena keeps an ONNX Runtime memory arena per session on the CPU,
	// as ONNX Runtime does by default. Off, the model's sessions share one
	// arena (ort.SessionOptions.SharedCPUArena): with one session per
	// layer, arenas of their own kept the sum of every layer's largest run
	// (12 GB of a 20 GB peak for a 2B model and a 1024×1024 image), the
	// shared one the largest single run.
	CPUArena bool
	// Propagate also builds the row layer sessions that carry alternative
	// final rows through the later layers (core.Propagator.Propagate, the
	// propagated knockout's fast path).
	Propagate bool
	// Memory is the memory the model may use, in bytes: it sizes the
	// attention budget and Load's check of the converted weights. 0 asks
	// the system (AvailableMemory).
	Memory uint64
	// NoMemoryCheck loads the model even when its converted weights seem
	// not to fit in Memory (MemAvailable understates memory the kernel
	// could reclaim, at times).
	NoMemoryCheck bool
	// Progress, when set, hears how many of the model's sessions exist so
	// far (done of total), after each one is created: the slow part of a
	// load.
	Progress func(done, total int)
}

// sessionConfig returns the session configuration entries of the model's
// sessions: the caller's, over idle thread-pool workers that sleep instead
// of spinning. It matters on a Runtime without a shared pool (the shared
// one never spins): there the sessions run one after another, each with its
// own pool, and pools spinning for work took the cores the running session
// needed — a decode step ran twice as slow on two cores.
func sessionConfig(caller map[string]string) map[string]string {
	config := map[string]string{
		"session.intra_op.allow_spinning": "0",
		"session.inter_op.allow_spinning": "0",
	}
	maps.Copy(config, caller)
	return config
}
