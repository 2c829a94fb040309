package ort

import (
	"fmt"
	"sync"
	"unsafe"
)

// Runtime is a loaded ONNX Runtime library: its function table, the ORT
// environment, CPU memory info and the default allocator. Its methods are
// safe for concurrent use.
type Runtime struct {
	api           *api
	path          string
	sharedThreads int // LoadOptions.SharedThreads
	env           envHandle
	cpu           memoryInfoHandle
	alloc         allocatorHandle

	arenaOnce sync.Once // registers the shared CPU arena (shareCPUArena)
	arenaErr  error

	mu       sync.RWMutex // read-held while r.cpu is used outside Close
	closed   bool         // Close was called
	sessions int          // open sessions; the environment outlives them
	released bool         // env and memory info released
}

// LoadOptions configure LoadWith.
type LoadOptions struct {
	// SharedThreads, when > 0, gives the environment one intra-op thread
	// pool of that many threads (and a one-thread inter-op pool), used by
	// every session made with SessionOptions.SharedThreads instead of a
	// pool of its own. Its idle workers sleep rather than spin. Programs
	// that run many sessions one after another (a model split into a
	// session per layer) want it: per-session pools multiply threads by
	// sessions.
	//
	// ONNX Runtime's environment is one per process: the first Runtime
	// created in a process decides whether it has shared pools, and a
	// later LoadWith cannot add them (its shared sessions then fail to
	// create).
	SharedThreads int
}

// Load opens the ONNX Runtime library at libPath (FindLibrary("") when
// empty), binds the C API at the version the library reports, and creates
// the environment with log level "error" (ORT's own warnings stay off
// stderr). Load the library once and share the Runtime. It is LoadWith
// with no options.
func Load(libPath string) (*Runtime, error) {
	return LoadWith(libPath, LoadOptions{})
}

// LoadWith is Load with options.
func LoadWith(libPath string, opts LoadOptions) (*Runtime, error) {
	if opts.SharedThreads < 0 {
		return nil, fmt.Errorf("shared threads %d: %w (want 0 or more)", opts.SharedThreads, ErrInvalidArgument)
	}
	if libPath == "" {
		p, _, err := FindLibrary("")
		if err != nil {
			return nil, err
		}
		libPath = p
	}
	lib, err := openLibrary(libPath)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", libPath, err)
	}
	a, err := loadAPI(lib, libPath)
	if err != nil {
		return nil, err
	}
	r := &Runtime{api: a, path: libPath, sharedThreads: opts.SharedThreads}
	if opts.SharedThreads > 0 {
		err = r.createSharedEnv(opts.SharedThreads)
	} else {
		err = a.status("create environment", a.createEnv(ortLoggingLevelError, "vlmask", &r.env))
	}
	if err != nil {
		return nil, err
	}
	if err := a.status("create CPU memory info", a.createCPUMemoryInfo(ortArenaAllocator, ortMemTypeDefault, &r.cpu)); err != nil {
		return nil, err
	}
	if err := a.status("get default allocator", a.getAllocatorWithDefaultOptions(&r.alloc)); err != nil {
		a.releaseMemoryInfo(r.cpu)
		return nil, err
	}
	return r, nil
}

// createSharedEnv creates the environment with global thread pools: n
// intra-op threads, one inter-op thread, no spinning.
func (r *Runtime) createSharedEnv(n int) error {
	a := r.api
	var tp threadingHandle
	if err := a.status("create threading options", a.createThreadingOptions(&tp)); err != nil {
		return err
	}
	defer a.releaseThreadingOptions(tp)
	if err := a.status("set shared intra-op threads", a.setGlobalIntraOpNumThreads(tp, int32(n))); err != nil {
		return err
	}
	if err := a.status("set shared inter-op threads", a.setGlobalInterOpNumThreads(tp, 1)); err != nil {
		return err
	}
	if err := a.status("disable spinning of the shared threads", a.setGlobalSpinControl(tp, 0)); err != nil {
		return err
	}
	return a.status("create environment with shared threads", a.createEnvWithGlobalThreadPools(ortLoggingLevelError, "vlmask", tp, &r.env))
}

// SharedThreads is the size of the shared intra-op pool asked for at load
// (0: none; sessions have pools of their own).
func (r *Runtime) SharedThreads() int { return r.sharedThreads }

// Path is the library file the Runtime was loaded from.
func (r *Runtime) Path() string { return r.path }

// Version is the library's version string, e.g. "1.30.0".
func (r *Runtime) Version() string { return r.api.versionString }

// APIVersion is the OrtApi version bound (the library version's minor
// number).
func (r *Runtime) APIVersion() uint32 { return r.api.version }

// BuildInfo is the library's build description (git commit, build type).
func (r *Runtime) BuildInfo() string { return r.api.getBuildInfoString() }

// Providers lists the execution providers compiled into the library, e.g.
// ["CUDAExecutionProvider", "CPUExecutionProvider"]. A provider listed here
// may still fail to load (see CUDAAvailable).
func (r *Runtime) Providers() ([]string, error) {
	var arr unsafe.Pointer
	var n int32
	if err := r.api.status("get available providers", r.api.getAvailableProviders(&arr, &n)); err != nil {
		return nil, err
	}
	names := make([]string, n)
	for i, p := range unsafe.Slice((*unsafe.Pointer)(arr), n) {
		names[i] = goString(p)
	}
	if err := r.api.status("release available providers", r.api.releaseAvailableProviders(arr, n)); err != nil {
		return nil, err
	}
	return names, nil
}

// Close marks r closed: new sessions and tensors cannot be made, and its
// CPU memory info is released once every Session made from r is closed
// (sessions still open keep working until then). The ORT environment, a
// process-wide singleton inside the library, is deliberately kept, like
// the library itself: releasing the last reference while another Runtime
// creates one races inside ONNX Runtime ("Only one instance of
// LoggingManager ... can exist"). Close is idempotent.
func (r *Runtime) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	r.releaseIfIdle()
	return nil
}

// acquire registers a new session, failing once r is closed.
func (r *Runtime) acquire() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return fmt.Errorf("runtime %s: %w", r.path, ErrClosed)
	}
	r.sessions++
	return nil
}

// release unregisters a closed session.
func (r *Runtime) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sessions--
	r.releaseIfIdle()
}

// releaseIfIdle frees the memory info after Close and the last session.
// r.mu must be held.
func (r *Runtime) releaseIfIdle() {
	if !r.closed || r.sessions > 0 || r.released {
		return
	}
	r.released = true
	r.api.releaseMemoryInfo(r.cpu)
}

// use runs f while r's environment and memory info cannot be released,
// failing once r is closed.
func (r *Runtime) use(f func() error) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return fmt.Errorf("runtime %s: %w", r.path, ErrClosed)
	}
	return f()
}
