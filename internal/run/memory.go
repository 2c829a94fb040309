package run

import (
	"fmt"
	"math"
	"strings"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/processor"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// Workload is what a session will run, for the memory estimate: a prepared
// prompt, its steps (--num-tokens), and how it is analysed (nil:
// generation only).
type Workload struct {
	Input    *processor.Result
	Steps    int
	Analysis *Settings
}

// memoryBudget is the memory a session counts on: the system's available
// memory (or Config.Memory), read once, before the model loads, so that a
// batch's prompts are all held to what there was before the weights took
// their share.
type memoryBudget struct {
	avail uint64
	known bool
	// from says where avail comes from, for the refusal.
	from string
}

// budgetFor is the memory budget of cfg: Config.Memory when set, else
// what the system reports.
func budgetFor(cfg Config) memoryBudget {
	if cfg.Memory > 0 {
		return memoryBudget{avail: cfg.Memory, known: true, from: "--memory-available gives"}
	}
	avail, known := decoder.AvailableMemory()
	return memoryBudget{avail: avail, known: known, from: "is available"}
}

// memoryPlan is what the estimate reads besides the workload: the
// checkpoint's tensors and the load options as the session settled them.
type memoryPlan struct {
	tensors []decoder.TensorInfo
	opts    decoder.Options
}

// checkpointTensors lists the checkpoint's tensors (headers only).
func checkpointTensors(dir string) ([]decoder.TensorInfo, error) {
	set, err := safetensors.OpenDir(dir)
	if err != nil {
		return nil, withKind(KindInput, err)
	}
	defer set.Close()
	tensors, err := decoder.Tensors(set)
	if err != nil {
		return nil, withKind(KindInput, err)
	}
	return tensors, nil
}

// decoderWorkload is what the decoder's estimate needs to know of w.
func (w *Workload) decoderWorkload() decoder.Workload {
	if w == nil || w.Input == nil {
		return decoder.Workload{Steps: 1}
	}
	in := w.Input
	out := decoder.Workload{PromptTokens: len(in.Prompt.IDs), Steps: max(w.Steps, 1)}
	for k, im := range in.Prompt.Images {
		tokens := 0
		if k < len(in.Images) {
			tokens = in.Images[k].NumTokens
		}
		out.Images = append(out.Images, decoder.ImageLoad{Patches: im.Patches(), Tokens: tokens})
	}
	if set := w.Analysis; set != nil {
		out.Knockout = true
		out.Recompute = set.Method == core.MethodRecompute
		out.PerHead = !set.SkipPerHead
		out.AttentionWeights = set.SaveAttentionWeights
		out.Effect = len(set.EffectWindows) > 0
		out.Groups = groupsFor(set, out)
	}
	return out
}

// groupsFor is the most knockout groups a step of w has under the
// built-in strategy set's mask mode selects (one group per token): the
// image tokens (vision), every other token at the last step (text); 0,
// one per position, for both and for a plugin's strategy.
func groupsFor(set *Settings, w decoder.Workload) int {
	if len(set.Plugins) > 0 {
		return 0
	}
	image := 0
	for _, im := range w.Images {
		image += im.Tokens
	}
	switch set.MaskMode {
	case "vision":
		return max(image, 1)
	case "text", "":
		return max(w.PromptTokens-image+w.Steps-1, 1)
	}
	return 0
}

// estimate is the memory estimate of w under the plan.
func (s *Session) estimate(w *Workload) decoder.Estimate {
	return decoder.EstimateMemory(s.proc.Config(), s.plan.tensors, s.plan.opts, w.decoderWorkload())
}

// checkMemory logs the estimate of w and refuses it (KindInput, wrapping
// decoder.ErrOutOfMemory) when it exceeds the memory budget, naming the
// numbers and the flags that would make it fit. It checks nothing on CUDA,
// where the weights, the cache and the activations live in device memory,
// where memory is unknown, or with Config.NoMemoryCheck.
func (s *Session) checkMemory(w *Workload) error {
	est := s.estimate(w)
	args := []any{"need", logBytes(est.Total()), "weights", logBytes(est.Weights), "kv_cache", logBytes(est.KVCache),
		"activations", logBytes(est.Activations), "runtime", logBytes(est.Runtime), "peak", est.Peak}
	if s.budget.known {
		args = append(args, "available", logBytes(s.budget.avail))
	}
	if w != nil && w.Input != nil && w.Input.Prompt != nil {
		args = append(args, "tokens", len(w.Input.Prompt.IDs), "steps", w.Steps)
	}
	switch {
	case s.device.Kind != ort.CPU:
		s.log.Info(fmt.Sprintf("memory estimate (host memory is not checked on %v)", s.device), args...)
		return nil
	case !s.budget.known:
		s.log.Info("memory estimate (available memory unknown: not checked)", args...)
		return nil
	}
	s.log.Info("memory estimate", args...)
	if est.Total() <= s.budget.avail {
		return nil
	}
	err := fmt.Errorf("model %s: %w: the run needs about %s but %s %s; %s",
		s.proc.Config().Dir, decoder.ErrOutOfMemory, est, s.budget.from, decoder.FormatBytes(s.budget.avail), s.suggest(w, est))
	if s.cfg.NoMemoryCheck {
		s.log.Warn("--no-memory-check: running anyway", "error", err)
		return nil
	}
	return withKind(KindInput, err)
}

// settleWeights is --weights-dtype auto on the CPU: a half-precision
// checkpoint's weights are converted to float32 unless the run's estimate
// then exceeds the memory available and keeping them half-size needs less.
func (s *Session) settleWeights(w *Workload) {
	if s.device.Kind != ort.CPU || !s.budget.known || s.plan.opts.KeepHalfWeights {
		return
	}
	converted := s.estimate(w)
	if converted.Converted == 0 || converted.Total() <= s.budget.avail {
		return
	}
	half := s.plan.opts
	half.KeepHalfWeights = true
	if kept := decoder.EstimateMemory(s.proc.Config(), s.plan.tensors, half, w.decoderWorkload()); kept.Total() < converted.Total() {
		s.log.Info("--weights-dtype auto: keeping half-precision weights half-size: converted to float32 they would not fit",
			"need_converted", logBytes(converted.Total()), "need_half", logBytes(kept.Total()), "available", logBytes(s.budget.avail))
		s.plan.opts = half
	}
}

// checkPrompt checks the memory a prompt needs before it runs, unless Open
// checked it already.
func (s *Session) checkPrompt(w *Workload) error {
	if w.Input != nil && w.Input == s.checked {
		return nil
	}
	return s.checkMemory(w)
}

// savingWorth is the least saving a suggestion names: a flag that saves
// less than 1 % of the estimate (or 1 MiB) is not worth changing for.
func savingWorth(est decoder.Estimate) uint64 { return max(est.Total()/100, 1<<20) }

// suggest names the flags that reduce the estimate est of w, with how much
// each saves, and the way to run anyway.
func (s *Session) suggest(w *Workload, est decoder.Estimate) string {
	var tries []string
	saves := func(alt decoder.Estimate) (uint64, bool) {
		if alt.Total()+savingWorth(est) > est.Total() {
			return 0, false
		}
		return est.Total() - alt.Total(), true
	}
	with := func(opts decoder.Options, dw decoder.Workload) decoder.Estimate {
		return decoder.EstimateMemory(s.proc.Config(), s.plan.tensors, opts, dw)
	}
	dw := w.decoderWorkload()
	if !s.plan.opts.KeepHalfWeights && est.Converted > 0 {
		opts := s.plan.opts
		opts.KeepHalfWeights = true
		if b, ok := saves(with(opts, dw)); ok {
			tries = append(tries, "--weights-dtype checkpoint (saves "+decoder.FormatBytes(b)+")")
		}
	}
	if res, b, ok := s.smallerImages(w, est, with); ok {
		tries = append(tries, fmt.Sprintf("--max-image-resolution %d (saves %s)", res, decoder.FormatBytes(b)))
	}
	if dw.Steps > 1 {
		alt := dw
		alt.Steps = 1
		if b, ok := saves(with(s.plan.opts, alt)); ok {
			tries = append(tries, "fewer --num-tokens (1 saves "+decoder.FormatBytes(b)+")")
		}
	}
	if dw.Recompute {
		alt := dw
		alt.Recompute = false
		if b, ok := saves(with(s.plan.opts, alt)); ok {
			tries = append(tries, "--method fast (saves "+decoder.FormatBytes(b)+")")
		}
	}
	if dw.Knockout && dw.PerHead {
		alt := dw
		alt.PerHead = false
		if b, ok := saves(with(s.plan.opts, alt)); ok {
			tries = append(tries, "--skip-per-head (saves "+decoder.FormatBytes(b)+")")
		}
	}
	anyway := "--no-memory-check to run anyway"
	if s.cfg.Memory == 0 {
		anyway += " (MemAvailable can understate what the kernel would reclaim)"
	}
	if len(tries) == 0 {
		return "close other programs, use a machine with more memory, or pass " + anyway
	}
	return "try " + strings.Join(tries, ", ") + ", or pass " + anyway
}

// smallerImages is the largest --max-image-resolution of 2048, 1536, 1024,
// 768 and 512 below the prompt's largest image side whose estimate fits
// (else the smallest one that saves anything) and what it saves. An image's patches and tokens
// shrink with its resized area: the decoded image scaled to the
// resolution, unless the processor's own bounds already made it smaller
// (its rounding to whole patches the estimate's margin covers).
func (s *Session) smallerImages(w *Workload, est decoder.Estimate, with func(decoder.Options, decoder.Workload) decoder.Estimate) (res int, saving uint64, ok bool) {
	if w == nil || w.Input == nil || len(w.Input.ImageDetails) == 0 {
		return 0, 0, false
	}
	in := w.Input
	largest := 0
	for _, d := range in.ImageDetails {
		largest = max(largest, d.Width, d.Height)
	}
	for _, r := range []int{2048, 1536, 1024, 768, 512} {
		if r >= largest {
			continue
		}
		dw := w.decoderWorkload()
		for k, d := range in.ImageDetails {
			side := max(d.Width, d.Height)
			if side <= r || k >= len(dw.Images) || d.ResizedW*d.ResizedH == 0 {
				continue
			}
			f := float64(r) / float64(side)
			scale := min(1, f*f*float64(d.Width*d.Height)/float64(d.ResizedW*d.ResizedH))
			im := &dw.Images[k]
			fewer := im.Tokens - int(math.Ceil(float64(im.Tokens)*scale))
			im.Patches = int(math.Ceil(float64(im.Patches) * scale))
			im.Tokens -= fewer
			dw.PromptTokens -= fewer
		}
		if w.Analysis != nil {
			dw.Groups = groupsFor(w.Analysis, dw)
		}
		alt := with(s.plan.opts, dw)
		if alt.Total()+savingWorth(est) > est.Total() {
			continue
		}
		res, saving, ok = r, est.Total()-alt.Total(), true
		if alt.Total() <= s.budget.avail {
			return res, saving, ok
		}
	}
	return res, saving, ok
}

// logBytes is a byte count for logs: GiB with two decimals, or MiB with one
// below 1 GiB.
func logBytes(b uint64) string {
	if b < 1<<30 {
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.2f GiB", float64(b)/(1<<30))
}
