package run

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/family"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/pluginhost"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/processor"
)

// DefaultRecomputeMemory is Config.RecomputeMemory's default in bytes.
const DefaultRecomputeMemory = decoder.DefaultRecomputeMemory

// Config says what a Session opens.
type Config struct {
	// Model is the checkpoint directory.
	Model string
	// ORTLib is the ONNX Runtime library (empty: the usual search).
	ORTLib string
	// Device is auto, cpu or cuda.
	Device string
	// Recompute also builds the brute-force recompute sessions.
	Recompute bool
	// RecomputeMemory bounds one recompute batch's transient memory in
	// bytes (decoder.Options.RecomputeMemory; 0: its default).
	RecomputeMemory int64
	// Propagate also builds the row layer sessions of the propagated
	// knockout's fast path (Settings.EffectWindows with the fast method).
	Propagate bool
	// DType is the matrix products' dtype: float32, bfloat16 or float16
	// (half precision on CUDA only); empty: the checkpoint's dtype on CUDA,
	// float32 on the CPU.
	DType string
	// WeightsDType is how half-precision checkpoints are kept on the CPU:
	// auto (converted to float32 when that fits in memory), float32 or
	// checkpoint (half-size, cast per layer).
	WeightsDType string
	// TF32 allows TensorFloat-32 matrix products on CUDA.
	TF32 bool
	// AllowLongContext runs prompts that need more positions than the
	// model's max_position_embeddings, with a warning, instead of refusing
	// them (ErrTooLong).
	AllowLongContext bool
	// Plugins say which plugin executables may run.
	Plugins Plugins
	// Version is vlmask's version, recorded in results.
	Version string
	// Logger receives logs (nil: none).
	Logger hclog.Logger
	// LoadProgress, when set, hears how many of the model's sessions exist
	// (done of total) while it loads.
	LoadProgress func(done, total int)
	// FrontEnd, when set, is Model's front end, already loaded with
	// OpenFrontEnd (to prepare the Workload): Open uses it instead of
	// loading it again.
	FrontEnd *processor.Processor
	// Workload, when set, is what the session will run: Open checks the
	// memory the run needs — weights, KV cache, activations — before it
	// loads the model, and refuses it (KindInput, decoder.ErrOutOfMemory)
	// when that exceeds the memory available. Without one Open checks the
	// weights and Analyze and Generate check each prompt before running
	// it, against the memory there was before the model loaded.
	Workload *Workload
	// Memory is the memory the run may use, in bytes; 0: what the system
	// reports available (MemAvailable), read once when the session opens.
	Memory uint64
	// NoMemoryCheck runs even when the estimate exceeds the memory
	// available (the estimate is still logged, the refusal a warning).
	NoMemoryCheck bool
}

// Session is a loaded model with its runtime, front end and (opened on
// first use) plugin host. Prompts are analysed or generated one at a time.
type Session struct {
	cfg    Config
	log    hclog.Logger
	rt     *ort.Runtime
	device ort.Device
	proc   *processor.Processor
	model  *decoder.Model
	host   *pluginhost.Host
	chosen map[string]pluginChoice // plugins per selection, started once
	// ownsRuntime: Close closes rt too (Open, not OpenWith).
	ownsRuntime bool
	// precision describes the dtypes the model computes in, for the
	// fingerprint of its results.
	precision string
	// modelFiles identify the checkpoint's files, listed on first use (see
	// fingerprint).
	modelFiles []modelFile
	// budget is the memory available before the model loaded, plan what
	// the memory estimate reads, checked the prompt Open checked already.
	budget  memoryBudget
	plan    memoryPlan
	checked *processor.Result
}

// OpenFrontEnd reads a checkpoint's configuration (once) and its front end
// — tokenizer, chat template, image processor — without ONNX Runtime.
func OpenFrontEnd(dir string) (*processor.Processor, error) {
	if dir == "" {
		return nil, usage("--model is required")
	}
	cfg, err := checkpoint.Load(dir)
	if err != nil {
		return nil, withKind(KindInput, err)
	}
	proc, err := processor.Load(dir, cfg)
	if err != nil {
		return nil, withKind(KindInput, err)
	}
	return proc, nil
}

// Open loads the runtime, the checkpoint's front end and its model; the
// session owns the runtime.
func Open(cfg Config) (*Session, error) {
	log := cfg.Logger
	if log == nil {
		log = hclog.NewNullLogger()
	}
	proc := cfg.FrontEnd
	if proc == nil {
		var err error
		if proc, err = OpenFrontEnd(cfg.Model); err != nil {
			return nil, err
		}
	}
	if _, err := family.For(proc.Config()); err != nil {
		return nil, withKind(KindInput, err)
	}
	rt, dev, err := OpenRuntime(cfg.ORTLib, cfg.Device, log)
	if err != nil {
		return nil, err
	}
	s, err := openWith(rt, dev, proc, cfg, log)
	if err != nil {
		rt.Close()
		return nil, err
	}
	s.ownsRuntime = true
	return s, nil
}

// OpenWith loads the checkpoint's front end and model on a runtime the
// caller keeps (tests and benchmarks share one); cfg's ORTLib and Device
// are not used.
func OpenWith(rt *ort.Runtime, dev ort.Device, cfg Config) (*Session, error) {
	log := cfg.Logger
	if log == nil {
		log = hclog.NewNullLogger()
	}
	proc := cfg.FrontEnd
	if proc == nil {
		var err error
		if proc, err = OpenFrontEnd(cfg.Model); err != nil {
			return nil, err
		}
	}
	return openWith(rt, dev, proc, cfg, log)
}

func openWith(rt *ort.Runtime, dev ort.Device, proc *processor.Processor, cfg Config, log hclog.Logger) (*Session, error) {
	start := time.Now()
	ck := proc.Config()
	s := &Session{cfg: cfg, log: log, rt: rt, device: dev, proc: proc, chosen: map[string]pluginChoice{}, budget: budgetFor(cfg)}
	opts := decoder.Options{Session: ort.SessionOptions{Device: dev}, Recompute: cfg.Recompute, RecomputeMemory: cfg.RecomputeMemory, Propagate: cfg.Propagate, Progress: cfg.LoadProgress, TF32: cfg.TF32,
		NoMemoryCheck: cfg.NoMemoryCheck}
	if s.budget.known {
		opts.Memory = s.budget.avail
	}
	if err := precision(cfg.DType, cfg.WeightsDType, ck, dev, &opts); err != nil {
		return nil, err
	}
	tensors, err := checkpointTensors(ck.Dir)
	if err != nil {
		return nil, err
	}
	s.plan = memoryPlan{tensors: tensors, opts: opts}
	if autoWeights(cfg.WeightsDType) {
		s.settleWeights(cfg.Workload)
	}
	if err := s.checkMemory(cfg.Workload); err != nil {
		return nil, err
	}
	if cfg.Workload != nil {
		s.checked = cfg.Workload.Input
	}
	opts = s.plan.opts
	if dev.Kind == ort.CPU {
		opts.NoMemoryCheck = true // the estimate, converted weights and all, was checked instead
	}
	model, err := family.Load(rt, ck, opts)
	if err != nil {
		var oe *ort.Error
		if !errors.Is(err, decoder.ErrUnsupported) && errors.As(err, &oe) {
			return nil, withKind(KindRuntime, err)
		}
		return nil, withKind(KindInput, err)
	}
	s.model, s.precision = model, describePrecision(opts)
	log.Info("model loaded", "dir", ck.Dir, "family", ck.Family, "device", dev, "precision", s.precision,
		"seconds", fmt.Sprintf("%.2f", time.Since(start).Seconds()), "peak_rss", PeakRSS())
	return s, nil
}

// Processor is the checkpoint's front end.
func (s *Session) Processor() *processor.Processor { return s.proc }

// Model is the loaded model.
func (s *Session) Model() *decoder.Model { return s.model }

// Runtime is the ONNX Runtime the model runs on.
func (s *Session) Runtime() *ort.Runtime { return s.rt }

// Device is where the model runs.
func (s *Session) Device() ort.Device { return s.device }

// Close stops the plugins and releases the model and the runtime. It is
// idempotent.
func (s *Session) Close() error {
	var errs []error
	if s.host != nil {
		errs = append(errs, s.host.Close())
		s.host = nil
	}
	if s.model != nil {
		errs = append(errs, s.model.Close())
		s.model = nil
	}
	if s.rt != nil && s.ownsRuntime {
		errs = append(errs, s.rt.Close())
	}
	s.rt = nil
	return errors.Join(errs...)
}

// PeakRSS is the process's peak resident memory as a human-readable
// string, where the system reports it.
func PeakRSS() string {
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

// Needs sets what the model must be loaded with for set's analyses: the
// recompute sessions for --method recompute, the row layers for the
// propagated knockout's fast path.
func (c *Config) Needs(set Settings) {
	c.Recompute = set.Method == core.MethodRecompute
	c.Propagate = len(set.EffectWindows) > 0 && set.Method != core.MethodRecompute
}
