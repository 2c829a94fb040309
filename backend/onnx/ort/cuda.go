package ort

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// appendCUDA adds the CUDA execution provider to session options through
// the dedicated V2 options API (the generic append-by-name call refuses
// "CUDA"). Updating the options is what loads the provider library.
func (r *Runtime) appendCUDA(h sessionOptionsHandle, d Device, extra map[string]string) error {
	a := r.api
	var cuda cudaOptionsHandle
	if err := a.status("create CUDA provider options", a.createCUDAProviderOptions(&cuda)); err != nil {
		return cudaUnavailable(err)
	}
	defer a.releaseCUDAProviderOptions(cuda)

	settings := maps.Clone(extra)
	if settings == nil {
		settings = map[string]string{}
	}
	settings["device_id"] = strconv.Itoa(d.ID)
	keys := slices.Sorted(maps.Keys(settings))
	values := make([]string, len(keys))
	for i, k := range keys {
		values[i] = settings[k]
	}
	ck, err := newCStrings(keys)
	if err != nil {
		return err
	}
	defer ck.free()
	cv, err := newCStrings(values)
	if err != nil {
		return err
	}
	defer cv.free()
	if err := a.status("update CUDA provider options", a.updateCUDAProviderOptions(cuda, ck.ptr(), cv.ptr(), uintptr(len(keys)))); err != nil {
		return cudaUnavailable(err)
	}
	if err := a.status("append CUDA execution provider", a.appendExecutionProviderCUDAV2(h, cuda)); err != nil {
		return cudaUnavailable(err)
	}
	return nil
}

// CUDAAvailable reports whether the CUDA execution provider works: it
// loads the provider into throwaway session options and creates a
// one-node session on GPU 0. It returns nil when that works, else an error
// wrapping ErrCUDAUnavailable and ONNX Runtime's *Error, with a hint
// (provider libraries missing, CUDA or cuDNN libraries missing, a CPU-only
// build, no GPU).
func (r *Runtime) CUDAAvailable() error {
	b := graph.New("cuda_probe", graph.MinOpset)
	b.Output(b.Neg(b.Input("x", graph.Float32, 1)), "y")
	m, err := b.Build()
	if err != nil {
		return fmt.Errorf("cuda probe graph: %w", err)
	}
	s, err := r.NewSession(m, SessionOptions{Device: Device{Kind: CUDA}})
	if err != nil {
		if errors.Is(err, ErrCUDAUnavailable) {
			return err
		}
		return cudaUnavailable(err)
	}
	return s.Close()
}

// cudaUnavailable wraps a CUDA provider failure with ErrCUDAUnavailable
// and a hint at the usual cause.
func cudaUnavailable(err error) error {
	msg := err.Error()
	hint := "see the wrapped ONNX Runtime error"
	switch {
	case strings.Contains(msg, "not enabled in this build"):
		hint = "this ONNX Runtime build has no CUDA support; install the CUDA build with `make ort-cuda` and point " + EnvLibrary + " at it"
	case strings.Contains(msg, "libonnxruntime_providers_shared") || strings.Contains(msg, "libonnxruntime_providers_cuda.so:"):
		hint = "the CUDA provider libraries (libonnxruntime_providers_shared.so, libonnxruntime_providers_cuda.so) of the same ONNX Runtime version must sit next to the core library; run `make ort-cuda` and set " +
			EnvLibrary + " to the library in ort/" + CUDACacheVersion + "/"
	case containsAny(msg, "libcublas", "libcudart", "libcurand", "libcufft", "libcuda.so", "libnvrtc"):
		hint = "the CUDA 13 user-space libraries are missing; install them (check `ldconfig -p | grep -E 'cublas|cudart|curand'`)"
	case strings.Contains(msg, "cudnn"):
		hint = "cuDNN 9 is missing; install it (check `ldconfig -p | grep cudnn`)"
	case containsAny(msg, "no CUDA-capable device", "CUDA driver version is insufficient", "cudaErrorNoDevice", "cudaErrorInsufficientDriver"):
		hint = "no usable GPU: check `nvidia-smi` and the driver version"
	}
	return fmt.Errorf("%w (%s): %w", ErrCUDAUnavailable, hint, err)
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
