package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/run"
)

// deviceBench is the -model mode: one checkpoint on one device (CUDA on a
// GPU machine), one prompt with an image, the full analysis as `vlmask
// run` does it, timed in its parts.
type deviceBench struct {
	model, image, prompt string
	device, dtype        string
	steps, runs          int
	maskMode             string
}

// stepClock records when each analysis step starts.
type stepClock struct {
	starts []time.Time
}

func (c *stepClock) StepStarted(step, numSteps, seqLen int) { c.starts = append(c.starts, time.Now()) }
func (c *stepClock) LayerDone(step, layer, numLayers int)   {}

// measureDevice loads the model, then times a forward pass of the prompt
// (median of runs, after a warm-up) and the whole analysis (every token
// knocked out at every layer, Full, Attn, every head and the attention
// weights, written to Parquet through the plugins as processes), and the
// host↔device traffic of the analysis.
func measureDevice(ctx context.Context, b deviceBench) ([]scenario, string, error) {
	start := time.Now()
	s, err := run.Open(run.Config{Model: b.model, Device: b.device, DType: b.dtype, Version: "bench"})
	if err != nil {
		return nil, "", err
	}
	defer s.Close()
	load := time.Since(start).Seconds()
	spec := s.Model().Spec()
	in, err := run.Prepare(s.Processor(), run.Prompt{Text: b.prompt, Images: []string{b.image}})
	if err != nil {
		return nil, "", err
	}
	tokens := len(in.Prompt.IDs)
	input := run.AnalysisInput(in)
	forward := func() error {
		seq, err := s.Model().Start(ctx, input.Prompt, core.SequenceOptions{})
		if err != nil {
			return err
		}
		defer seq.Close()
		_, err = seq.Forward(ctx, nil)
		return err
	}
	if err := forward(); err != nil { // warm-up: kernels, workspaces, arenas
		return nil, "", err
	}
	fwd := measure(b.runs, forward)
	if fwd.err != nil {
		return nil, "", fwd.err
	}
	dir, err := os.MkdirTemp("", "vlmask-device-bench-")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(dir)
	set := run.Settings{
		NumTokens: b.steps, Method: core.MethodFast, SaveAttentionWeights: true, MaskMode: b.maskMode,
		Formats: []results.Format{results.FormatParquet}, Command: "bench",
	}
	before := s.Model().Traffic()
	clock := &stepClock{}
	t0 := time.Now()
	sum, err := s.Analyze(ctx, in, "bench", filepath.Join(dir, "bench"), set, clock)
	if err != nil {
		return nil, "", err
	}
	analysis := time.Since(t0).Seconds()
	after := s.Model().Traffic()
	var stepTimes []float64
	for i, st := range clock.starts {
		end := time.Now()
		if i+1 < len(clock.starts) {
			end = clock.starts[i+1]
		}
		stepTimes = append(stepTimes, end.Sub(st).Seconds())
	}
	steps := float64(max(sum.Steps, 1))
	model := fmt.Sprintf("%s: %s, %d layers, hidden %d, %d heads (%d KV), %d prompt tokens; %s, %s",
		filepath.Base(b.model), spec.Family, spec.NumLayers, spec.Hidden, spec.NumHeads, spec.NumKVHeads, tokens, b.device, precisionLabel(b.dtype))
	return []scenario{
		{Name: "load", Tokens: tokens, Layers: spec.NumLayers, Runs: 1, MedianSeconds: load, Note: "run.Open: runtime, front end, every session, weights to the device"},
		{Name: "forward", Tokens: tokens, Layers: spec.NumLayers, Runs: b.runs, MedianSeconds: fwd.median, Note: "the prompt through every layer and lm_head, no probe"},
		{Name: "analysis", Tokens: tokens, Layers: spec.NumLayers, Runs: 1, MedianSeconds: analysis,
			Ratios: map[string]float64{
				"knockout_over_forward_per_step": analysis / steps / fwd.median,
				"rows":                           float64(sum.Rows),
				"steps":                          steps,
				"host_to_device_MB_per_step":     float64(after.HostToDevice-before.HostToDevice) / steps / 1e6,
				"device_to_host_MB_per_step":     float64(after.DeviceToHost-before.DeviceToHost) / steps / 1e6,
			},
			Note: fmt.Sprintf("%d steps, mask %s, Full+Attn+every head+attention weights, Parquet through the metrics plugin process; step times %s s",
				sum.Steps, b.maskMode, fmtTimes(stepTimes))},
	}, model, nil
}

func precisionLabel(dtype string) string {
	if dtype == "" {
		return "the checkpoint's precision"
	}
	return dtype
}

func fmtTimes(ts []float64) string {
	out := ""
	for i, t := range ts {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%.2f", t)
	}
	return out
}

// runDeviceBench is the -model mode's report.
func runDeviceBench(b deviceBench, out string) error {
	scenarios, model, err := measureDevice(context.Background(), b)
	if err != nil {
		return err
	}
	rep := &report{When: time.Now().UTC().Format(time.RFC3339), Machine: machine(), CPUs: runtime.NumCPU(), Model: model, Scenarios: scenarios}
	printReport(rep)
	return writeReport(out, rep)
}
