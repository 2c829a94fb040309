package ort

import (
	"fmt"
	"maps"
	"slices"
)

// DeviceKind selects an execution provider.
type DeviceKind int

// Execution providers.
const (
	CPU  DeviceKind = iota // ONNX Runtime's CPU provider
	CUDA                   // the CUDA provider (ORT's CUDA build with CUDA and cuDNN installed)
)

// String is "cpu" or "cuda".
func (k DeviceKind) String() string {
	switch k {
	case CPU:
		return "cpu"
	case CUDA:
		return "cuda"
	}
	return fmt.Sprintf("device(%d)", int(k))
}

// Device is an execution provider and, for CUDA, the GPU's ordinal.
type Device struct {
	Kind DeviceKind
	ID   int
}

// String is e.g. "cpu" or "cuda:0".
func (d Device) String() string {
	if d.Kind == CPU {
		return "cpu"
	}
	return fmt.Sprintf("%v:%d", d.Kind, d.ID)
}

// GraphOptimizationLevel is how much ONNX Runtime rewrites a graph before
// running it. The zero value is OptimizeAll, ONNX Runtime's default.
type GraphOptimizationLevel int

// Graph optimization levels.
const (
	OptimizeAll      GraphOptimizationLevel = iota // every optimization (ORT_ENABLE_ALL)
	OptimizeDisabled                               // none (ORT_DISABLE_ALL)
	OptimizeBasic                                  // constant folding, redundant nodes (ORT_ENABLE_BASIC)
	OptimizeExtended                               // plus fusions (ORT_ENABLE_EXTENDED)
)

// ortLevel is the C enum value.
func (l GraphOptimizationLevel) ortLevel() (int32, error) {
	switch l {
	case OptimizeAll:
		return 99, nil
	case OptimizeDisabled:
		return 0, nil
	case OptimizeBasic:
		return 1, nil
	case OptimizeExtended:
		return 2, nil
	}
	return 0, fmt.Errorf("graph optimization level %d: %w", int(l), ErrInvalidArgument)
}

// SessionOptions configure a Session. The zero value runs on the CPU with
// ONNX Runtime's default thread counts, all graph optimizations and
// weights read in place (no prepacking).
type SessionOptions struct {
	// IntraOpThreads and InterOpThreads size ONNX Runtime's thread pools;
	// 0 keeps its default (intra-op: one per physical core).
	IntraOpThreads, InterOpThreads int
	// OptimizationLevel is the graph optimization level.
	OptimizationLevel GraphOptimizationLevel
	// Config holds session configuration entries
	// (AddSessionConfigEntry), applied after the binding's own, so they
	// can override them.
	Config map[string]string
	// Device selects the execution provider; CPU covers what it lacks.
	Device Device
	// CUDAOptions are extra CUDA provider options (e.g. "gpu_mem_limit");
	// device_id comes from Device.ID.
	CUDAOptions map[string]string
	// SharedThreads runs the session on the Runtime's shared thread pool
	// (LoadOptions.SharedThreads) instead of its own; IntraOpThreads and
	// InterOpThreads are then ignored. The Runtime must have one.
	SharedThreads bool
	// Weights, when set, supplies every external weight from this cache of
	// device copies (shared with the other sessions using it) instead of
	// wrapping the weight's bytes in place; it is how CUDA sessions get
	// their weights. The cache must be on Device.
	Weights *DeviceWeights
	// Prepacking lets ONNX Runtime repack weights for speed. It copies
	// every weight (doubling weight memory and slowing session creation),
	// so it is off by default and external weights are read in place.
	Prepacking bool
	// NoCPUArena gives the memory of a run's CPU activations back when the
	// run ends instead of keeping it in an arena of the session's own for
	// the next run. An arena is kept at its largest run's size for the
	// session's life, and a model of many sessions (one per layer) holds
	// the sum of all their peaks; without it, a process holds only the
	// run in progress. Large buffers come from the system on each run.
	NoCPUArena bool
	// SharedCPUArena makes the session allocate its CPU activations from
	// one arena shared by every session of the Runtime that asks for it
	// (registered in the environment on first use, growing by what an
	// allocation needs), instead of an arena of its own: many sessions
	// run one after another then hold the largest single run's memory,
	// not the sum of their peaks, and keep the arena's speed (a run's
	// buffers are reused, not faulted in afresh). Ignored with NoCPUArena.
	SharedCPUArena bool
}

// Session configuration keys the binding sets.
const (
	configDisablePrepacking = "session.disable_prepacking"
	configExternalFolder    = "session.model_external_initializers_file_folder_path"
)

// newNativeOptions creates ORT session options from opts; the caller
// releases them.
func (r *Runtime) newNativeOptions(opts SessionOptions, externals bool) (sessionOptionsHandle, error) {
	a := r.api
	var h sessionOptionsHandle
	if err := a.status("create session options", a.createSessionOptions(&h)); err != nil {
		return 0, err
	}
	if err := r.configure(h, opts, externals); err != nil {
		a.releaseSessionOptions(h)
		return 0, err
	}
	return h, nil
}

func (r *Runtime) configure(h sessionOptionsHandle, opts SessionOptions, externals bool) error {
	a := r.api
	level, err := opts.OptimizationLevel.ortLevel()
	if err != nil {
		return err
	}
	if err := a.status("set graph optimization level", a.setSessionGraphOptimizationLevel(h, level)); err != nil {
		return err
	}
	config := map[string]string{}
	switch {
	case opts.NoCPUArena:
		if err := a.status("disable the CPU memory arena", a.disableCPUMemArena(h)); err != nil {
			return err
		}
	case opts.SharedCPUArena:
		if err := r.shareCPUArena(); err != nil {
			return err
		}
		config[configUseEnvAllocators] = "1"
	}
	if opts.SharedThreads {
		if r.sharedThreads == 0 {
			return fmt.Errorf("shared threads: %w (the Runtime has no shared pool: load it with LoadOptions.SharedThreads)", ErrInvalidArgument)
		}
		if err := a.status("use the shared threads", a.disablePerSessionThreads(h)); err != nil {
			return err
		}
	} else if opts.IntraOpThreads > 0 {
		if err := a.status("set intra-op threads", a.setIntraOpNumThreads(h, int32(opts.IntraOpThreads))); err != nil {
			return err
		}
	}
	if opts.InterOpThreads > 0 && !opts.SharedThreads {
		if err := a.status("set inter-op threads", a.setInterOpNumThreads(h, int32(opts.InterOpThreads))); err != nil {
			return err
		}
	}
	if !opts.Prepacking {
		config[configDisablePrepacking] = "1"
	}
	if externals {
		// External stubs name graph.ExternalLocation ("dev/null"), which
		// must resolve to an existing file inside this folder.
		config[configExternalFolder] = "/"
	}
	maps.Copy(config, opts.Config)
	for _, k := range slices.Sorted(maps.Keys(config)) {
		if err := a.status(fmt.Sprintf("set session config %s=%s", k, config[k]), a.addSessionConfigEntry(h, k, config[k])); err != nil {
			return err
		}
	}
	switch opts.Device.Kind {
	case CPU:
		return nil
	case CUDA:
		return r.appendCUDA(h, opts.Device, opts.CUDAOptions)
	}
	return fmt.Errorf("device %v: %w", opts.Device, ErrInvalidArgument)
}
