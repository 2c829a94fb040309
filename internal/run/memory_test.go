package run

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/processor"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// tinyFrontEnd writes the tiny random checkpoint and loads its front end.
func tinyFrontEnd(t *testing.T) *processor.Processor {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "model")
	if err := testmodel.Generate(dir, testmodel.Options{Seed: 1}); err != nil {
		t.Fatal(err)
	}
	proc, err := OpenFrontEnd(dir)
	if err != nil {
		t.Fatal(err)
	}
	return proc
}

// imagePrompt is a prepared prompt of n tokens holding one image of
// side×side pixels that the vision tower sees as side/16 × side/16 patches
// and a quarter as many image tokens, as Qwen3-VL's processor makes it.
func imagePrompt(n, side int) *processor.Result {
	grid := side / 16
	tokens := grid * grid / 4
	return &processor.Result{
		Prompt:       &processor.Input{IDs: make([]int, n), Images: []processor.Image{{GridT: 1, GridH: grid, GridW: grid}}},
		Images:       []processor.ImageBlock{{NumTokens: tokens}},
		ImageDetails: []processor.ImageDetail{{Width: side, Height: side, ResizedW: side, ResizedH: side}},
	}
}

// memorySession is a session as Open leaves it before the model loads,
// with avail bytes of memory (0: unknown).
func memorySession(t *testing.T, proc *processor.Processor, avail uint64, cfg Config, dev ort.Device) (*Session, *bytes.Buffer) {
	t.Helper()
	tensors, err := checkpointTensors(proc.Config().Dir)
	if err != nil {
		t.Fatal(err)
	}
	logs := new(bytes.Buffer)
	s := &Session{cfg: cfg, proc: proc, device: dev, log: hclog.New(&hclog.LoggerOptions{Level: hclog.Info, Output: logs}),
		budget: memoryBudget{avail: avail, known: avail > 0, from: "--memory-available gives"},
		plan:   memoryPlan{tensors: tensors, opts: decoder.Options{Memory: avail}}}
	return s, logs
}

// TestMemoryRefusal: a run whose estimate exceeds the memory available is
// refused as an input error (exit 3) naming the numbers and only the flags
// that reduce the estimate, with how much each saves; --no-memory-check,
// unknown memory and CUDA let it through. Every check logs the estimate.
func TestMemoryRefusal(t *testing.T) {
	proc := tinyFrontEnd(t)
	cpu := ort.Device{Kind: ort.CPU}
	analysis := func(method core.Method, steps int) *Workload {
		set := Settings{NumTokens: steps, Method: method, MaskMode: "both"}
		return &Workload{Input: imagePrompt(1100, 1024), Steps: steps, Analysis: &set}
	}
	for _, tc := range []struct {
		name     string
		avail    uint64
		cfg      Config
		dev      ort.Device
		w        *Workload
		want     []string // in the error; nil: no error
		wantNot  []string
		wantLogs string
	}{
		{name: "too little memory", avail: 64 << 20, dev: cpu, w: analysis(core.MethodFast, 200),
			want: []string{"model " + proc.Config().Dir + ": not enough memory: the run needs about ", " MiB (weights ", ", KV cache ", ", activations ",
				", runtime 128)", "but --memory-available gives 64 MiB",
				"--max-image-resolution 512 (saves ", "fewer --num-tokens (1 saves ", "--no-memory-check to run anyway"},
			// A float32 checkpoint has nothing to keep half-size.
			wantNot:  []string{"--weights-dtype", "--method"},
			wantLogs: "memory estimate: need="},
		// Recompute's batches are bounded by --recompute-memory, so the
		// fast method and a smaller image both save.
		{name: "recompute", avail: 64 << 20, dev: cpu, w: analysis(core.MethodRecompute, 1),
			want:    []string{"not enough memory", "--method fast (saves ", "--max-image-resolution 512 (saves "},
			wantNot: []string{"--num-tokens"}},
		{name: "text prompt, one step: nothing to suggest but more memory", avail: 1 << 20, dev: cpu,
			w:       &Workload{Input: &processor.Result{Prompt: &processor.Input{IDs: make([]int, 8)}}, Steps: 1},
			want:    []string{"not enough memory", "close other programs", "--no-memory-check"},
			wantNot: []string{"--max-image-resolution", "--num-tokens", "--method"}},
		{name: "weights only (a batch before its prompts)", avail: 1 << 20, dev: cpu, want: []string{"not enough memory"}},
		{name: "enough memory", avail: 64 << 30, dev: cpu, w: analysis(core.MethodFast, 4), wantLogs: `available="64.00 GiB"`},
		{name: "--no-memory-check", avail: 64 << 20, cfg: Config{NoMemoryCheck: true}, dev: cpu, w: analysis(core.MethodFast, 4),
			wantLogs: "--no-memory-check: running anyway"},
		{name: "memory unknown", dev: cpu, w: analysis(core.MethodFast, 4), wantLogs: "available memory unknown: not checked"},
		{name: "cuda: host memory not checked", avail: 64 << 20, dev: ort.Device{Kind: ort.CUDA}, w: analysis(core.MethodFast, 4),
			wantLogs: "host memory is not checked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, logs := memorySession(t, proc, tc.avail, tc.cfg, tc.dev)
			err := s.checkMemory(tc.w)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("checkMemory: %v", err)
				}
			} else {
				if err == nil {
					t.Fatal("checkMemory: no error")
				}
				if KindOf(err) != KindInput || !errors.Is(err, decoder.ErrOutOfMemory) {
					t.Errorf("error %v: kind %v, want an input error wrapping ErrOutOfMemory", err, KindOf(err))
				}
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				for _, w := range tc.wantNot {
					if strings.Contains(err.Error(), w) {
						t.Errorf("error %q names %q", err, w)
					}
				}
			}
			if !strings.Contains(logs.String(), tc.wantLogs) {
				t.Errorf("logs lack %q:\n%s", tc.wantLogs, logs)
			}
		})
	}
}

// TestOpenRefusesBeforeLoading: with a workload that does not fit, Open
// fails before it builds a single session (the runtime is never used), and
// the same prompt is not checked twice once it has been.
func TestOpenRefusesBeforeLoading(t *testing.T) {
	proc := tinyFrontEnd(t)
	in := imagePrompt(300, 512)
	set := Settings{NumTokens: 1, Method: core.MethodFast, MaskMode: "both"}
	cfg := Config{Model: proc.Config().Dir, Memory: 1 << 20, Workload: &Workload{Input: in, Steps: 1, Analysis: &set}}
	_, err := openWith(nil, ort.Device{Kind: ort.CPU}, proc, cfg, hclog.NewNullLogger())
	if err == nil || KindOf(err) != KindInput || !errors.Is(err, decoder.ErrOutOfMemory) {
		t.Fatalf("openWith: %v, want a refusal for want of memory", err)
	}
	if !strings.Contains(err.Error(), "--memory-available gives 1 MiB") {
		t.Errorf("error %q does not say where the 1 MiB came from", err)
	}

	s, _ := memorySession(t, proc, 1<<20, Config{}, ort.Device{Kind: ort.CPU})
	s.checked = in
	if err := s.checkPrompt(&Workload{Input: in, Steps: 1}); err != nil {
		t.Errorf("the prompt Open checked was checked again: %v", err)
	}
	if err := s.checkPrompt(&Workload{Input: imagePrompt(300, 512), Steps: 1}); err == nil {
		t.Error("another prompt was not checked")
	}
}

// TestSettleWeights: --weights-dtype auto keeps a bfloat16 checkpoint's
// weights half-size when converted ones would not fit and half-size ones
// need less, and converts them when they fit.
func TestSettleWeights(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "model")
	if err := testmodel.Generate(dir, testmodel.Options{Seed: 1, DType: testmodel.DTypeBFloat16}); err != nil {
		t.Fatal(err)
	}
	proc, err := OpenFrontEnd(dir)
	if err != nil {
		t.Fatal(err)
	}
	w := &Workload{Input: &processor.Result{Prompt: &processor.Input{IDs: make([]int, 8)}}, Steps: 1}
	probe, _ := memorySession(t, proc, 1<<40, Config{}, ort.Device{Kind: ort.CPU})
	converted := probe.estimate(w).Total()
	for _, tc := range []struct {
		name  string
		avail uint64
		half  bool
	}{
		{"fits converted", converted + 1<<20, false},
		{"converted does not fit", converted - 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := memorySession(t, proc, tc.avail, Config{}, ort.Device{Kind: ort.CPU})
			s.settleWeights(w)
			if s.plan.opts.KeepHalfWeights != tc.half {
				t.Errorf("KeepHalfWeights = %v, want %v (converted need %d, available %d)", s.plan.opts.KeepHalfWeights, tc.half, converted, tc.avail)
			}
		})
	}
}
