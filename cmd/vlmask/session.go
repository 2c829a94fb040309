package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/qwen3vl"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/processor"
)

// defaultPrompt is the original tool's prompt when none is given and there
// is no ./prompt.txt.
const defaultPrompt = "What is the capital of France?"

// session is a loaded model with its runtime and front end.
type session struct {
	rt    *ort.Runtime
	proc  *processor.Processor
	model *qwen3vl.Model
}

func (s *session) Close() {
	if s.model != nil {
		s.model.Close()
	}
	if s.rt != nil {
		s.rt.Close()
	}
}

// openFrontEnd loads the checkpoint's configuration and front end only (no
// runtime), for `vlmask inputs`; --model may be a Hub id (modelDir).
func (a *app) openFrontEnd(c *cli.Context) (*processor.Processor, error) {
	dir, err := a.modelDir(c)
	if err != nil {
		return nil, err
	}
	proc, err := processor.Load(dir, nil)
	if err != nil {
		return nil, withCode(ExitInput, err)
	}
	return proc, nil
}

// openSession loads the runtime, the front end and the model.
func (a *app) openSession(c *cli.Context, recompute bool) (*session, error) {
	start := time.Now()
	proc, err := a.openFrontEnd(c)
	if err != nil {
		return nil, err
	}
	cfg := proc.Config()
	if cfg.Family != checkpoint.Qwen3VL && cfg.Family != checkpoint.Qwen3 {
		return nil, withCode(ExitInput, fmt.Errorf("%s: model_type %q is not supported by the ONNX backend yet (supported: qwen3_vl, qwen3)", cfg.Dir, cfg.ModelType))
	}
	rt, dev, err := a.openRuntime(c)
	if err != nil {
		return nil, err
	}
	s := &session{rt: rt, proc: proc}
	opts := qwen3vl.Options{Session: ort.SessionOptions{Device: dev}, Recompute: recompute}
	if a.progressEnabled(c) {
		bar := newProgress(a.stderr, "")
		opts.Progress = func(done, total int) { bar.phase("loading "+filepath.Base(cfg.Dir), done, total) }
		defer bar.stop()
	}
	model, err := qwen3vl.Load(rt, cfg.Dir, opts)
	if err != nil {
		s.Close()
		if errors.Is(err, qwen3vl.ErrUnsupported) {
			return nil, withCode(ExitInput, err)
		}
		var oe *ort.Error
		if errors.As(err, &oe) {
			return nil, withCode(ExitRuntime, err)
		}
		return nil, withCode(ExitInput, err)
	}
	s.model = model
	a.log.Info("model loaded", "dir", cfg.Dir, "family", cfg.Family, "device", dev,
		"seconds", fmt.Sprintf("%.2f", time.Since(start).Seconds()), "peak_rss", peakRSS())
	return s, nil
}

// promptText resolves --prompt: text, or the contents of an existing .txt
// file; without the flag, ./prompt.txt when present, else the original
// tool's default question.
func promptText(c *cli.Context) (string, error) {
	v := c.String(flagPrompt)
	if v == "" {
		if b, err := os.ReadFile("prompt.txt"); err == nil {
			return string(b), nil
		}
		return defaultPrompt, nil
	}
	if strings.HasSuffix(v, ".txt") && !strings.ContainsAny(v, "\n") {
		b, err := os.ReadFile(v)
		if err != nil {
			return "", withCode(ExitInput, fmt.Errorf("--prompt %s: %w", v, err))
		}
		return string(b), nil
	}
	return v, nil
}

// prepare builds the model input for --prompt and --image.
func prepare(c *cli.Context, proc *processor.Processor) (*processor.Result, error) {
	text, err := promptText(c)
	if err != nil {
		return nil, err
	}
	images := c.StringSlice(flagImage)
	res, err := proc.Process(processor.Request{
		Messages:           proc.UserPrompt(text, len(images)),
		Images:             images,
		MaxImageResolution: c.Int(flagMaxImageRes),
	})
	if err != nil {
		return nil, withCode(ExitInput, err)
	}
	return res, nil
}

// peakRSS is the process's peak resident memory, as a human-readable
// string, where the system reports it.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}
