package main

import (
	"context"
	"fmt"
	"os"
	"runtime"

	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/internal/run"
	"github.com/vlmask/vlmask/internal/testmodel"
	"github.com/vlmask/vlmask/plugins/builtin"
	"github.com/vlmask/vlmask/sdk"
)

// qwen25VLTokens is the sequence length of the Qwen2.5-VL scenario.
const qwen25VLTokens = 300

// benchQwen25VL measures knockout/forward on a random-weight model with
// Qwen2.5-VL-3B's text shapes (q/k/v biases, contiguous MRoPE, 16 heads
// over 2 KV heads): one analysis step over every token, as the Qwen3-VL
// scenario does, at about 300 tokens.
func benchQwen25VL(ctx context.Context, rt *ort.Runtime, layers, runs int) ([]scenario, error) {
	dir, err := os.MkdirTemp("", "vlmask-bench-qwen25vl-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	noVision := false
	fmt.Fprintf(os.Stderr, "generating a random Qwen2.5-VL-3B-shaped text model with %d layers…\n", layers)
	opts := testmodel.Options{Family: testmodel.FamilyQwen25VL, Preset: testmodel.Preset3B, Seed: 1, Layers: layers, Vision: &noVision}
	if err := testmodel.Generate(dir, opts); err != nil {
		return nil, err
	}
	sess, err := run.OpenWith(rt, ort.Device{Kind: ort.CPU}, run.Config{Model: dir})
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	m := sess.Model()
	spec := m.Spec()
	metric, _ := builtin.Metric("metrics")
	both, _ := builtin.Masking("masking-both")
	in := randomInput(spec.Vocab, qwen25VLTokens)
	rs := measureInterleaved(runs, forwardPass(ctx, m, in), func() error {
		a := &core.Analyzer{Model: m, Strategy: both, Metrics: []sdk.Metric{metric}, Rows: discard{}, GeneratedToken: token}
		_, err := a.Run(ctx, in, core.Options{NumTokens: 1, Method: core.MethodFast})
		return err
	})
	forward, fast := rs[0], rs[1]
	for _, r := range rs {
		if r.err != nil {
			return nil, r.err
		}
	}
	model := fmt.Sprintf("random weights, Qwen2.5-VL-3B text shapes (hidden %d, %d heads, %d KV heads, head_dim %d, q/k/v biases), %d layers, %d threads",
		spec.Hidden, spec.NumHeads, spec.NumKVHeads, spec.HeadDim, spec.NumLayers, runtime.NumCPU())
	return []scenario{
		{Name: "qwen2_5_vl_forward", Tokens: qwen25VLTokens, Layers: spec.NumLayers, Runs: runs, MedianSeconds: forward.median, Note: model},
		{Name: "qwen2_5_vl_knockout_fast", Tokens: qwen25VLTokens, Layers: spec.NumLayers, Runs: runs, MedianSeconds: fast.median,
			Ratios: map[string]float64{"knockout_over_forward": fast.median / forward.median},
			Note:   "all tokens, Full+Attn+Head, metrics in the host"},
	}, nil
}
