package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/run"
	"github.com/vlmask/vlmask/internal/testmodel"
	"github.com/vlmask/vlmask/plugins/builtin"
	"github.com/vlmask/vlmask/sdk"
)

// scenario is one measured configuration, as written to the JSON report.
type scenario struct {
	Name          string             `json:"name"`
	Tokens        int                `json:"tokens"`
	Layers        int                `json:"layers"`
	Runs          int                `json:"runs"`
	MedianSeconds float64            `json:"median_seconds"`
	Ratios        map[string]float64 `json:"ratios,omitempty"`
	Figures       map[string]float64 `json:"figures,omitempty"`
	Note          string             `json:"note,omitempty"`
}

// report is the JSON file.
type report struct {
	When      string     `json:"when"`
	Machine   string     `json:"machine"`
	CPUs      int        `json:"cpus"`
	Model     string     `json:"model"`
	Scenarios []scenario `json:"scenarios"`
}

type discard struct{}

func (discard) Write([]results.Row) error { return nil }

func runBench() error {
	layers := flag.Int("layers", 2, "decoder layers of the 2B-shaped model (ratios are per layer, so a few suffice)")
	runs := flag.Int("runs", 5, "repetitions of each fast measurement (the median is reported)")
	withRecompute := flag.Bool("recompute", true, "also measure the brute-force method (minutes at 300 tokens)")
	withQwen25VL := flag.Bool("qwen2_5_vl", true, "also measure knockout/forward on a Qwen2.5-VL-3B-shaped model")
	withEffect := flag.Bool("effect", true, "also measure the propagated knockout (run --effect) against forward passes and its brute force")
	effectOnly := flag.Bool("effect-only", false, "measure only the propagated knockout")
	effectLayers := flag.Int("effect-layers", 28, "decoder layers of the propagated knockout's 2B-shaped model (its cost in forward passes grows with depth: 28 is the real model's)")
	effectRuns := flag.Int("effect-runs", 1, "repetitions of the propagated knockout's measurements (minutes each)")
	effectBrute := flag.Int("effect-brute", 3, "whole blocked forwards timed for the brute-force estimate")
	withMemory := flag.Bool("memory", true, "also measure peak memory (vlmask run and generate as separate processes) at -memory-sides")
	memoryOnly := flag.Bool("memory-only", false, "measure only peak memory")
	vlmaskBin := flag.String("vlmask", filepath.Join(filepath.Dir(os.Args[0]), "vlmask"), "the vlmask binary whose memory -memory measures")
	memoryLayers := flag.Int("memory-layers", 4, "decoder layers of the memory benchmark's 2B-shaped model")
	memoryVision := flag.Int("memory-vision-layers", 2, "vision blocks of the memory benchmark's 2B-shaped model")
	memorySides := flag.String("memory-sides", "256,1024,2048", "image sides of the memory benchmark, comma-separated")
	memoryRecompute := flag.Int("memory-recompute-max", 1024, "largest image side at which the memory benchmark runs --method recompute (minutes beyond)")
	out := flag.String("out", envOr("BENCH_OUT", filepath.Join("bench", "results.json")), "JSON report path")
	viewerOnly := flag.Bool("viewer-only", false, "measure only the viewer on a generated 10M-row file (no ONNX Runtime needed)")
	var dev deviceBench
	flag.StringVar(&dev.model, "model", "", "measure only this checkpoint, with -image, the full analysis as vlmask run does it (the GPU benchmark)")
	flag.StringVar(&dev.image, "image", "", "with -model: the prompt's image")
	flag.StringVar(&dev.prompt, "prompt", "Describe this image.", "with -model: the prompt's text")
	flag.StringVar(&dev.device, "device", "auto", "with -model: auto, cpu or cuda")
	flag.StringVar(&dev.dtype, "dtype", "", "with -model: float32, bfloat16 or float16 matrix products (default: the checkpoint's on CUDA)")
	flag.StringVar(&dev.maskMode, "mask-mode", "both", "with -model: text, vision or both")
	flag.IntVar(&dev.steps, "steps", 3, "with -model: analysis steps")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole benchmark to this file (go tool pprof reads it)")
	flag.Parse()
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if dev.model != "" {
		dev.runs = *runs
		return runDeviceBench(dev, *out)
	}

	if *viewerOnly {
		rep := &report{When: time.Now().UTC().Format(time.RFC3339), Machine: machine(), CPUs: runtime.NumCPU(), Model: "none (viewer only)"}
		vs, err := measureViewer(*runs)
		if err != nil {
			return err
		}
		rep.Scenarios = vs
		printReport(rep)
		return writeReport(*out, rep)
	}
	sides, err := parseSides(*memorySides)
	if err != nil {
		return err
	}
	memory := func() ([]scenario, error) {
		return benchMemory(*vlmaskBin, *memoryLayers, *memoryVision, *memoryRecompute, sides)
	}
	if *memoryOnly {
		ms, err := memory()
		if err != nil {
			return err
		}
		rep := &report{When: time.Now().UTC().Format(time.RFC3339), Machine: machine(), CPUs: runtime.NumCPU(),
			Model: fmt.Sprintf("random weights, Qwen3-VL-2B shapes, %d decoder layers, %d vision blocks", *memoryLayers, *memoryVision), Scenarios: ms}
		printReport(rep)
		return writeReport(*out, rep)
	}
	ctx := context.Background()
	if *effectOnly {
		rt, err := ort.LoadWith("", ort.LoadOptions{SharedThreads: runtime.NumCPU()})
		if err != nil {
			return err
		}
		defer rt.Close()
		es, err := benchEffect(ctx, rt, *effectLayers, *effectRuns, *effectBrute)
		if err != nil {
			return err
		}
		rep := &report{When: time.Now().UTC().Format(time.RFC3339), Machine: machine(), CPUs: runtime.NumCPU(),
			Model: fmt.Sprintf("random weights, Qwen3-VL-2B text shapes, %d layers", *effectLayers), Scenarios: es}
		printReport(rep)
		return writeReport(*out, rep)
	}
	dir, err := os.MkdirTemp("", "vlmask-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	noVision := false
	fmt.Fprintf(os.Stderr, "generating a random Qwen3-VL-2B-shaped text model with %d layers…\n", *layers)
	if err := testmodel.Generate(dir, testmodel.Options{Family: "qwen3_vl", Preset: "2b", Seed: 1, Layers: *layers, Vision: &noVision}); err != nil {
		return err
	}
	rt, err := ort.LoadWith("", ort.LoadOptions{SharedThreads: runtime.NumCPU()}) // as vlmask loads it
	if err != nil {
		return err
	}
	defer rt.Close()
	sess, err := run.OpenWith(rt, ort.Device{Kind: ort.CPU}, run.Config{Model: dir, Recompute: true})
	if err != nil {
		return err
	}
	defer sess.Close()
	m := sess.Model()
	spec := m.Spec()
	rep := &report{
		When: time.Now().UTC().Format(time.RFC3339), Machine: machine(), CPUs: runtime.NumCPU(),
		Model: fmt.Sprintf("random weights, Qwen3-VL-2B text shapes (hidden %d, %d heads, %d KV heads, head_dim %d), %d layers",
			spec.Hidden, spec.NumHeads, spec.NumKVHeads, spec.HeadDim, spec.NumLayers),
	}
	host, err := run.PluginHost(ctx, run.Plugins{}, nil)
	if err != nil {
		return err
	}
	defer host.Close()
	remoteMetrics, err := host.Metric(ctx, "metrics", nil)
	if err != nil {
		return err
	}
	localMetrics, _ := builtin.Metric("metrics")
	both, _ := builtin.Masking("masking-both")

	for _, n := range []int{100, 300} {
		in := randomInput(spec.Vocab, n)
		forwardRun := forwardPass(ctx, m, in)
		analyse := func(method core.Method, metric sdk.Metric) func() error {
			return func() error {
				a := &core.Analyzer{Model: m, Strategy: both, Metrics: []sdk.Metric{metric}, Rows: discard{},
					GeneratedToken: func(pos, id int) sdk.Token { return token(pos, id) }}
				_, err := a.Run(ctx, in, core.Options{NumTokens: 1, Method: method})
				return err
			}
		}
		// Interleaved, so the machine's drift hits every measurement alike.
		rs := measureInterleaved(*runs, forwardRun, analyse(core.MethodFast, localMetrics), analyse(core.MethodFast, remoteMetrics))
		forward, fast, viaPlugin := rs[0], rs[1], rs[2]
		recompute := &result{}
		if *withRecompute {
			fmt.Fprintf(os.Stderr, "recompute at %d tokens (one run, slow by design)…\n", n)
			recompute = measure(1, analyse(core.MethodRecompute, localMetrics))
		}
		for _, r := range []*result{forward, fast, viaPlugin, recompute} {
			if r.err != nil {
				return r.err
			}
		}
		rep.Scenarios = append(rep.Scenarios,
			scenario{Name: "forward", Tokens: n, Layers: spec.NumLayers, Runs: *runs, MedianSeconds: forward.median},
			scenario{Name: "knockout_fast", Tokens: n, Layers: spec.NumLayers, Runs: *runs, MedianSeconds: fast.median,
				Ratios: map[string]float64{"knockout_over_forward": fast.median / forward.median}, Note: "all tokens, Full+Attn+Head, metrics in the host"},
			scenario{Name: "knockout_fast_metrics_plugin", Tokens: n, Layers: spec.NumLayers, Runs: *runs, MedianSeconds: viaPlugin.median,
				Ratios: map[string]float64{"plugin_over_host": viaPlugin.median / fast.median}, Note: "the metrics plugin out of process"},
		)
		if *withRecompute {
			rep.Scenarios = append(rep.Scenarios, scenario{Name: "knockout_recompute", Tokens: n, Layers: spec.NumLayers, Runs: 1,
				MedianSeconds: recompute.median, Ratios: map[string]float64{"recompute_over_fast": recompute.median / fast.median}})
		}
	}
	kv, err := measureKVCache(ctx, m, *runs)
	if err != nil {
		return err
	}
	rep.Scenarios = append(rep.Scenarios, kv...)
	if *withQwen25VL {
		sess.Close() // free the first model's memory
		q, err := benchQwen25VL(ctx, rt, *layers, *runs)
		if err != nil {
			return err
		}
		rep.Scenarios = append(rep.Scenarios, q...)
	}
	if *withEffect {
		sess.Close()
		es, err := benchEffect(ctx, rt, *effectLayers, *effectRuns, *effectBrute)
		if err != nil {
			return err
		}
		rep.Scenarios = append(rep.Scenarios, es...)
	}
	vs, err := measureViewer(*runs)
	if err != nil {
		return err
	}
	rep.Scenarios = append(rep.Scenarios, vs...)
	if *withMemory {
		ms, err := memory()
		if err != nil {
			return err
		}
		rep.Scenarios = append(rep.Scenarios, ms...)
	}
	printReport(rep)
	return writeReport(*out, rep)
}

// result is a measurement's median wall time.
type result struct {
	median float64
	err    error
}

func measure(runs int, f func() error) *result {
	var secs []float64
	for i := 0; i < runs; i++ {
		start := time.Now()
		if err := f(); err != nil {
			return &result{err: err}
		}
		secs = append(secs, time.Since(start).Seconds())
	}
	slices.Sort(secs)
	return &result{median: secs[len(secs)/2]}
}

// measureInterleaved runs each function once per round, after one
// uncounted warm-up round, and returns each one's median.
func measureInterleaved(runs int, fs ...func() error) []*result {
	secs := make([][]float64, len(fs))
	out := make([]*result, len(fs))
	for round := -1; round < runs; round++ {
		for i, f := range fs {
			start := time.Now()
			if err := f(); err != nil {
				for j := range out {
					out[j] = &result{err: err}
				}
				return out
			}
			if round >= 0 {
				secs[i] = append(secs[i], time.Since(start).Seconds())
			}
		}
	}
	for i := range fs {
		slices.Sort(secs[i])
		out[i] = &result{median: secs[i][len(secs[i])/2]}
	}
	return out
}

// forwardPass is one plain forward pass of in's prompt on m: a new
// sequence, every layer over every token, lm_head at the final position.
func forwardPass(ctx context.Context, m core.Model, in core.Input) func() error {
	return func() error {
		seq, err := m.Start(ctx, in.Prompt, core.SequenceOptions{})
		if err != nil {
			return err
		}
		defer seq.Close()
		_, err = seq.Forward(ctx, nil)
		return err
	}
}

// randomInput is a text-only prompt of n random tokens.
func randomInput(vocab, n int) core.Input {
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	p := &core.Prompt{}
	in := core.Input{Prompt: p}
	for i := 0; i < n; i++ {
		id := rng.IntN(min(vocab, 500))
		p.IDs = append(p.IDs, id)
		for r := range p.Positions {
			p.Positions[r] = append(p.Positions[r], int64(i))
		}
		in.Tokens = append(in.Tokens, token(i, id))
	}
	return in
}

func token(pos, id int) sdk.Token {
	return sdk.Token{Position: pos, ID: id, Text: fmt.Sprintf("t%d", id), Modality: sdk.Text, ImageIndex: -1, PatchRow: -1, PatchCol: -1}
}

func printReport(rep *report) {
	fmt.Printf("%s\n%s, %d CPUs\n\n", rep.Model, rep.Machine, rep.CPUs)
	fmt.Printf("%-30s %7s %10s  %s\n", "scenario", "tokens", "median s", "ratios")
	for _, s := range rep.Scenarios {
		ratios := ""
		for k, v := range s.Ratios {
			ratios += fmt.Sprintf("%s = %.2f ", k, v)
		}
		for _, k := range slices.Sorted(maps.Keys(s.Figures)) {
			ratios += fmt.Sprintf("%s = %.4g ", k, s.Figures[k])
		}
		fmt.Printf("%-30s %7d %10.3f  %s\n", s.Name, s.Tokens, s.MedianSeconds, ratios)
	}
}

func writeReport(path string, rep *report) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s\n", path)
	return os.Rename(tmp, path)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// machine names the CPU, from /proc/cpuinfo where there is one.
func machine() string {
	name := runtime.GOOS + "/" + runtime.GOARCH
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return name
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return name + ", " + strings.TrimSpace(v)
		}
	}
	return name
}

// measureKVCache compares prefilling a prompt and then decoding tokens one
// at a time (what generation and every analysis step after the first do)
// with a single forward pass over as many tokens: with the KV cache the two
// cost about the same.
func measureKVCache(ctx context.Context, m *decoder.Model, runs int) ([]scenario, error) {
	const prompt, decode = 300, 16
	spec := m.Spec()
	in := randomInput(spec.Vocab, prompt)
	long := randomInput(spec.Vocab, prompt+decode)
	rs := measureInterleaved(runs, func() error {
		a := &core.Analyzer{Model: m, GeneratedToken: token}
		_, err := a.Run(ctx, in, core.Options{NumTokens: decode + 1})
		return err
	}, func() error {
		seq, err := m.Start(ctx, long.Prompt, core.SequenceOptions{})
		if err != nil {
			return err
		}
		defer seq.Close()
		_, err = seq.Forward(ctx, nil)
		return err
	}, func() error {
		// Without a cache, each of the 1+decode steps reruns the whole
		// sequence so far.
		for k := 0; k <= decode; k++ {
			p := *long.Prompt
			p.IDs = p.IDs[:prompt+k]
			for r := range p.Positions {
				p.Positions[r] = p.Positions[r][:prompt+k]
			}
			seq, err := m.Start(ctx, &p, core.SequenceOptions{})
			if err != nil {
				return err
			}
			_, err = seq.Forward(ctx, nil)
			seq.Close()
			if err != nil {
				return err
			}
		}
		return nil
	})
	// lm_head alone, for one position (what the forward above and every
	// decode step compute) and for every position (what a model forward
	// returning logits for all tokens computes), to tell the decoder's cost
	// from the unembedding's.
	one := make([]float64, spec.Hidden)
	all := make([]float64, (prompt+decode)*spec.Hidden)
	heads := measureInterleaved(runs, func() error {
		_, err := m.Logits(one)
		return err
	}, func() error {
		_, err := m.Logits(all)
		return err
	})
	gen, forward, noCache, head1, headAll := rs[0], rs[1], rs[2], heads[0], heads[1]
	for _, r := range []*result{gen, forward, noCache, head1, headAll} {
		if r.err != nil {
			return nil, r.err
		}
	}
	decoderGen := gen.median - float64(decode+1)*head1.median
	decoderForward := forward.median - head1.median
	return []scenario{
		{Name: "forward", Tokens: prompt + decode, Layers: spec.NumLayers, Runs: runs, MedianSeconds: forward.median},
		{Name: "prefill_then_decode", Tokens: prompt + decode, Layers: spec.NumLayers, Runs: runs, MedianSeconds: gen.median,
			Ratios: map[string]float64{
				"over_one_forward":                gen.median / forward.median,
				"over_one_forward_all_logits":     gen.median / (decoderForward + headAll.median),
				"decoder_only_over_decoder_only":  decoderGen / decoderForward,
				"no_cache_over_cache":             noCache.median / gen.median,
				"lm_head_share_of_prefill_decode": float64(decode+1) * head1.median / gen.median,
			},
			Note: fmt.Sprintf("prefill %d tokens, then %d greedy steps of one token each with the KV cache, against one forward "+
				"with logits at the last position only; all_logits: against a forward that returns logits at every position "+
				"(as model(input_ids) does); decoder_only: lm_head's measured time (%.1f ms per position, %.1f ms for all %d) taken out of both. "+
				"Each decode step still streams every weight once, lm_head's %dx%d included", prompt, decode,
				1000*head1.median, 1000*headAll.median, prompt+decode, spec.Vocab, spec.Hidden)},
		{Name: "decode_without_cache", Tokens: prompt + decode, Layers: spec.NumLayers, Runs: runs, MedianSeconds: noCache.median,
			Note: "the same tokens, rerunning the whole sequence at every step"},
	}, nil
}
