package ort

import (
	"runtime"
	"strings"
	"unsafe"
)

// arenaCfgHandle is an OrtArenaCfg*.
type arenaCfgHandle uintptr

// configUseEnvAllocators makes a session allocate from the environment's
// registered allocators (the shared CPU arena).
const configUseEnvAllocators = "session.use_env_allocators"

// arenaExtendSameAsRequested is the BFC arena's kSameAsRequested growth:
// a region of exactly what an allocation needs, not the next power of two.
const arenaExtendSameAsRequested = 1

// shareCPUArena registers, once per Runtime, one CPU memory arena in the
// environment for every session made with SessionOptions.SharedCPUArena.
// The environment is one per process and outlives Runtimes (Close), so an
// arena a previous Runtime registered is reused.
func (r *Runtime) shareCPUArena() error {
	r.arenaOnce.Do(func() { r.arenaErr = r.registerCPUArena() })
	return r.arenaErr
}

func (r *Runtime) registerCPUArena() error {
	a := r.api
	keys, err := newCStrings([]string{"arena_extend_strategy"})
	if err != nil {
		return err
	}
	defer keys.free()
	values := []uintptr{arenaExtendSameAsRequested}
	var cfg arenaCfgHandle
	err = a.status("create the shared CPU arena's configuration", a.createArenaCfgV2(keys.ptr(), unsafe.Pointer(&values[0]), uintptr(len(values)), &cfg))
	runtime.KeepAlive(values)
	if err != nil {
		return err
	}
	defer a.releaseArenaCfg(cfg)
	err = r.use(func() error {
		return a.status("register the shared CPU arena", a.createAndRegisterAllocator(r.env, r.cpu, cfg))
	})
	if e, ok := err.(*Error); ok && strings.Contains(e.Msg, "already") {
		return nil // registered by an earlier Runtime in this process
	}
	return err
}
