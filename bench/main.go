// Command bench measures vlmask's analysis speed on a random-weight model
// with Qwen3-VL-2B's text shapes, on the CPU, and reports ratios measured in
// one run (never absolute timings in tests):
//
//   - knockout/forward: one analysis step (every token knocked out at every
//     layer, Full, Attn and per-head variants) over a plain forward pass of
//     the same tokens, at about 100 and 300 tokens;
//   - recompute/fast: the brute-force method over the fast one;
//   - plugin overhead: the same analysis with the metrics plugin out of
//     process over the metrics computed in the host;
//   - knockout/forward again on a model with Qwen2.5-VL-3B's text shapes
//     (q/k/v biases, contiguous MRoPE), at about 300 tokens;
//   - the propagated knockout (effect.go, run --effect): every group at
//     every start layer, window 1, at about 300 tokens on the 2B shapes at
//     their real depth of 28 layers, in forward passes, and the brute force
//     it replaces (a whole blocked forward per group and start layer),
//     timed on a few and multiplied out; -effect-only measures just this;
//   - the viewer (viewer.go): how long `vlmask serve` takes to open a
//     generated 10-million-row results file, and the latency percentiles
//     of a replayed browsing session against it (absolute figures: they
//     are what the viewer promises). -viewer-only measures just these,
//     without ONNX Runtime; $BENCH_VIEWER_FILE reuses a file written
//     before.
//   - peak memory (memory.go): the maximum RSS of vlmask generate, run,
//     run --effect and run --method recompute, each a process of its own,
//     on 256², 1024² and 2048² images and a 2B-shaped model with a few
//     decoder layers and vision blocks, against the weights' bytes; and a
//     bfloat16 checkpoint's run with its weights kept half-size against
//     converted to float32. -memory-only measures just these; it needs the
//     vlmask binary (-vlmask, default: beside this one).
//
// Run it with `make bench`. It prints a table and writes the figures as JSON
// to $BENCH_OUT (default bench/results.json): one object per scenario with
// name, tokens, median_seconds and ratios.
package main

import (
	"fmt"
	"os"

	"github.com/vlmask/vlmask/plugins/builtin"
)

func main() {
	// The plugin host serves the built-in metrics by re-executing this
	// binary, as vlmask does.
	if len(os.Args) == 3 && os.Args[1] == "serve-plugin" {
		if err := builtin.ServeBuiltin(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(4)
		}
		return
	}
	if err := runBench(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
