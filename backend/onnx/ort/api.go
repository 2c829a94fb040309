package ort

import (
	"fmt"
	"strconv"
	"strings"
	"unsafe"

	"github.com/ebitengine/purego"
)

// Opaque ONNX Runtime handles (C pointers), one Go type each so they
// cannot be mixed up.
type (
	envHandle            uintptr // OrtEnv*
	statusHandle         uintptr // OrtStatus*; 0 is success
	sessionOptionsHandle uintptr // OrtSessionOptions*
	sessionHandle        uintptr // OrtSession*
	valueHandle          uintptr // OrtValue*
	memoryInfoHandle     uintptr // OrtMemoryInfo*
	allocatorHandle      uintptr // OrtAllocator*
	typeShapeHandle      uintptr // OrtTensorTypeAndShapeInfo*
	ioBindingHandle      uintptr // OrtIoBinding*
	cudaOptionsHandle    uintptr // OrtCUDAProviderOptionsV2*
	runOptionsHandle     uintptr // OrtRunOptions*
	threadingHandle      uintptr // OrtThreadingOptions*
)

// MinAPIVersion is the oldest OrtApi version the binding accepts: every
// entry it binds exists from this version on. Only 1.29 and 1.30 have been
// exercised.
const MinAPIVersion = 16

// C enum values used by the binding.
const (
	ortLoggingLevelError = 3
	ortArenaAllocator    = 1
	ortMemTypeDefault    = 0
)

// api is the OrtApi function table, bound once per Runtime; bind lists
// each entry's OrtApi index (the table is append-only, so indices never
// move). Out parameters that may receive a pointer into Go
// memory are *unsafe.Pointer, never *uintptr (checkptr, §10.3 of the
// ONNX Runtime note).
type api struct {
	version       uint32 // the OrtApi version requested
	versionString string // GetVersionString, e.g. "1.30.0"

	getErrorCode                   func(statusHandle) int32
	getErrorMessage                func(statusHandle) string
	createEnv                      func(level int32, logID string, out *envHandle) statusHandle
	createEnvWithGlobalThreadPools func(level int32, logID string, tp threadingHandle, out *envHandle) statusHandle
	disablePerSessionThreads       func(sessionOptionsHandle) statusHandle
	createThreadingOptions         func(*threadingHandle) statusHandle
	releaseThreadingOptions        func(threadingHandle)
	setGlobalIntraOpNumThreads     func(threadingHandle, int32) statusHandle
	setGlobalInterOpNumThreads     func(threadingHandle, int32) statusHandle
	setGlobalSpinControl           func(threadingHandle, int32) statusHandle
	createSessionFromArray         func(env envHandle, model unsafe.Pointer, n uintptr, opts sessionOptionsHandle, out *sessionHandle) statusHandle
	run                            func(s sessionHandle, ro runOptionsHandle, inNames, inputs unsafe.Pointer, nIn uintptr,
		outNames unsafe.Pointer, nOut uintptr, outputs unsafe.Pointer) statusHandle
	createSessionOptions             func(out *sessionOptionsHandle) statusHandle
	setSessionGraphOptimizationLevel func(sessionOptionsHandle, int32) statusHandle
	setIntraOpNumThreads             func(sessionOptionsHandle, int32) statusHandle
	setInterOpNumThreads             func(sessionOptionsHandle, int32) statusHandle
	disableCPUMemArena               func(sessionOptionsHandle) statusHandle
	createArenaCfgV2                 func(keys, values unsafe.Pointer, n uintptr, out *arenaCfgHandle) statusHandle
	releaseArenaCfg                  func(arenaCfgHandle)
	createAndRegisterAllocator       func(envHandle, memoryInfoHandle, arenaCfgHandle) statusHandle
	sessionGetInputCount             func(sessionHandle, *uintptr) statusHandle
	sessionGetOutputCount            func(sessionHandle, *uintptr) statusHandle
	sessionGetInputName              func(sessionHandle, uintptr, allocatorHandle, *unsafe.Pointer) statusHandle
	sessionGetOutputName             func(sessionHandle, uintptr, allocatorHandle, *unsafe.Pointer) statusHandle
	createTensorAsOrtValue           func(alloc allocatorHandle, shape unsafe.Pointer, rank uintptr, dt int32, out *valueHandle) statusHandle
	createTensorWithDataAsOrtValue   func(info memoryInfoHandle, data unsafe.Pointer, n uintptr, shape unsafe.Pointer, rank uintptr,
		dt int32, out *valueHandle) statusHandle
	getTensorMutableData           func(valueHandle, *unsafe.Pointer) statusHandle
	getTensorElementType           func(typeShapeHandle, *int32) statusHandle
	getDimensionsCount             func(typeShapeHandle, *uintptr) statusHandle
	getDimensions                  func(typeShapeHandle, unsafe.Pointer, uintptr) statusHandle
	getTensorTypeAndShape          func(valueHandle, *typeShapeHandle) statusHandle
	createCPUMemoryInfo            func(allocType, memType int32, out *memoryInfoHandle) statusHandle
	allocatorFree                  func(allocatorHandle, unsafe.Pointer) statusHandle
	getAllocatorWithDefaultOptions func(*allocatorHandle) statusHandle
	releaseStatus                  func(statusHandle)
	releaseMemoryInfo              func(memoryInfoHandle)
	releaseSession                 func(sessionHandle)
	releaseValue                   func(valueHandle)
	releaseTensorTypeAndShapeInfo  func(typeShapeHandle)
	releaseSessionOptions          func(sessionOptionsHandle)
	getAvailableProviders          func(out *unsafe.Pointer, n *int32) statusHandle
	releaseAvailableProviders      func(unsafe.Pointer, int32) statusHandle
	addSessionConfigEntry          func(opts sessionOptionsHandle, key, value string) statusHandle
	runWithBinding                 func(sessionHandle, runOptionsHandle, ioBindingHandle) statusHandle
	createIoBinding                func(sessionHandle, *ioBindingHandle) statusHandle
	releaseIoBinding               func(ioBindingHandle)
	bindInput                      func(ioBindingHandle, string, valueHandle) statusHandle
	bindOutput                     func(ioBindingHandle, string, valueHandle) statusHandle
	bindOutputToDevice             func(ioBindingHandle, string, memoryInfoHandle) statusHandle
	getBoundOutputValues           func(ioBindingHandle, allocatorHandle, *unsafe.Pointer, *uintptr) statusHandle
	clearBoundInputs               func(ioBindingHandle)
	clearBoundOutputs              func(ioBindingHandle)
	addInitializer                 func(sessionOptionsHandle, string, valueHandle) statusHandle
	createMemoryInfo               func(name string, allocType, id, memType int32, out *memoryInfoHandle) statusHandle
	createAllocator                func(sessionHandle, memoryInfoHandle, *allocatorHandle) statusHandle
	releaseAllocator               func(allocatorHandle)
	allocatorAlloc                 func(allocatorHandle, uintptr, *unsafe.Pointer) statusHandle
	synchronizeBoundInputs         func(ioBindingHandle) statusHandle
	synchronizeBoundOutputs        func(ioBindingHandle) statusHandle
	appendExecutionProviderCUDAV2  func(sessionOptionsHandle, cudaOptionsHandle) statusHandle
	createCUDAProviderOptions      func(*cudaOptionsHandle) statusHandle
	updateCUDAProviderOptions      func(opts cudaOptionsHandle, keys, values unsafe.Pointer, n uintptr) statusHandle
	releaseCUDAProviderOptions     func(cudaOptionsHandle)
	getBuildInfoString             func() string
}

// loadAPI binds the OrtApi table of an opened library: OrtGetApiBase, then
// GetVersionString, then GetApi at the version's minor number (never
// above it, which would make ORT complain on stderr).
func loadAPI(lib uintptr, path string) (*api, error) {
	sym, err := librarySymbol(lib, "OrtGetApiBase")
	if err != nil || sym == 0 {
		return nil, fmt.Errorf("load %s: no OrtGetApiBase symbol (not an ONNX Runtime library?): %w", path, ErrUnsupportedLibrary)
	}
	var getAPIBase func() unsafe.Pointer
	purego.RegisterFunc(&getAPIBase, sym)
	base := getAPIBase()
	if base == nil {
		return nil, fmt.Errorf("load %s: OrtGetApiBase returned NULL: %w", path, ErrUnsupportedLibrary)
	}
	baseSlots := (*[2]uintptr)(base) // OrtApiBase: GetApi, GetVersionString
	if baseSlots[0] == 0 || baseSlots[1] == 0 {
		return nil, fmt.Errorf("load %s: empty OrtApiBase: %w", path, ErrUnsupportedLibrary)
	}
	var getAPI func(version uint32) unsafe.Pointer
	var getVersionString func() string
	purego.RegisterFunc(&getAPI, baseSlots[0])
	purego.RegisterFunc(&getVersionString, baseSlots[1])

	a := &api{versionString: getVersionString()}
	minor, err := apiVersionOf(a.versionString)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	a.version = minor
	table := getAPI(minor)
	if table == nil {
		return nil, fmt.Errorf("load %s: ONNX Runtime %s refused OrtApi version %d: %w", path, a.versionString, minor, ErrUnsupportedLibrary)
	}
	if err := a.bind(unsafe.Slice((*uintptr)(table), 255)); err != nil {
		return nil, fmt.Errorf("load %s (ONNX Runtime %s): %w", path, a.versionString, err)
	}
	return a, nil
}

// apiVersionOf parses "1.N.x" and returns N, the newest OrtApi version that
// library serves.
func apiVersionOf(version string) (uint32, error) {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 || parts[0] != "1" {
		return 0, fmt.Errorf("ONNX Runtime version %q: %w (want 1.x)", version, ErrUnsupportedLibrary)
	}
	minor, err := strconv.ParseUint(parts[1], 10, 32)
	if err != nil {
		return 0, fmt.Errorf("ONNX Runtime version %q: %w", version, ErrUnsupportedLibrary)
	}
	if minor < MinAPIVersion {
		return 0, fmt.Errorf("ONNX Runtime %s is too old: %w (need 1.%d or later)", version, ErrUnsupportedLibrary, MinAPIVersion)
	}
	return uint32(minor), nil
}

// bind registers every entry the binding uses, checking each slot first
// (RegisterFunc would accept a NULL and crash on the first call).
func (a *api) bind(slots []uintptr) error {
	entries := []struct {
		fn    any
		index int
	}{
		{&a.getErrorCode, 1}, {&a.getErrorMessage, 2}, {&a.createEnv, 3},
		{&a.createSessionFromArray, 8}, {&a.run, 9}, {&a.createSessionOptions, 10},
		{&a.disableCPUMemArena, 19}, {&a.createArenaCfgV2, 164}, {&a.releaseArenaCfg, 157},
		{&a.createAndRegisterAllocator, 144}, {&a.setSessionGraphOptimizationLevel, 23}, {&a.setIntraOpNumThreads, 24}, {&a.setInterOpNumThreads, 25},
		{&a.sessionGetInputCount, 30}, {&a.sessionGetOutputCount, 31},
		{&a.sessionGetInputName, 36}, {&a.sessionGetOutputName, 37},
		{&a.createTensorAsOrtValue, 48}, {&a.createTensorWithDataAsOrtValue, 49}, {&a.getTensorMutableData, 51},
		{&a.getTensorElementType, 60}, {&a.getDimensionsCount, 61}, {&a.getDimensions, 62},
		{&a.getTensorTypeAndShape, 65}, {&a.createCPUMemoryInfo, 69}, {&a.allocatorFree, 76},
		{&a.getAllocatorWithDefaultOptions, 78},
		{&a.createEnvWithGlobalThreadPools, 119}, {&a.disablePerSessionThreads, 120},
		{&a.createThreadingOptions, 121}, {&a.releaseThreadingOptions, 122},
		{&a.setGlobalIntraOpNumThreads, 147}, {&a.setGlobalInterOpNumThreads, 148}, {&a.setGlobalSpinControl, 149},
		{&a.releaseStatus, 93}, {&a.releaseMemoryInfo, 94}, {&a.releaseSession, 95},
		{&a.releaseValue, 96}, {&a.releaseTensorTypeAndShapeInfo, 99}, {&a.releaseSessionOptions, 100},
		{&a.getAvailableProviders, 125}, {&a.releaseAvailableProviders, 126}, {&a.addSessionConfigEntry, 130},
		{&a.runWithBinding, 133}, {&a.createIoBinding, 134}, {&a.releaseIoBinding, 135},
		{&a.bindInput, 136}, {&a.bindOutput, 137}, {&a.bindOutputToDevice, 138},
		{&a.getBoundOutputValues, 140}, {&a.clearBoundInputs, 141}, {&a.clearBoundOutputs, 142},
		{&a.addInitializer, 150}, {&a.createMemoryInfo, 68},
		{&a.createAllocator, 131}, {&a.releaseAllocator, 132}, {&a.allocatorAlloc, 75},
		{&a.synchronizeBoundInputs, 202}, {&a.synchronizeBoundOutputs, 203},
		{&a.appendExecutionProviderCUDAV2, 204}, {&a.createCUDAProviderOptions, 205},
		{&a.updateCUDAProviderOptions, 206}, {&a.releaseCUDAProviderOptions, 208},
		{&a.getBuildInfoString, 254},
	}
	var missing []string
	for _, e := range entries {
		if e.index >= len(slots) || slots[e.index] == 0 {
			missing = append(missing, strconv.Itoa(e.index))
			continue
		}
		purego.RegisterFunc(e.fn, slots[e.index])
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: OrtApi entries %s are NULL", ErrUnsupportedLibrary, strings.Join(missing, ", "))
	}
	return nil
}

// status converts an OrtStatus into an *Error for op (nil on success) and
// releases it.
func (a *api) status(op string, st statusHandle) error {
	if st == 0 {
		return nil
	}
	e := &Error{Op: op, Code: ErrorCode(a.getErrorCode(st)), Msg: a.getErrorMessage(st)}
	a.releaseStatus(st)
	return e
}

// goString copies a NUL-terminated C string.
func goString(p unsafe.Pointer) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(p, n)) != 0 {
		n++
	}
	return string(unsafe.Slice((*byte)(p), n))
}
