package ort

import (
	"errors"
	"strings"
	"testing"
)

func TestAPIVersionOf(t *testing.T) {
	t.Parallel()
	cases := []struct {
		version string
		want    uint32
		ok      bool
	}{
		{"1.30.0", 30, true},
		{"1.29.0", 29, true},
		{"1.16.3", 16, true},
		{"1.15.1", 0, false}, // older than MinAPIVersion
		{"2.0.0", 0, false},
		{"1", 0, false},
		{"1.x.0", 0, false},
		{"", 0, false},
	}
	for _, c := range cases {
		got, err := apiVersionOf(c.version)
		if c.ok && (err != nil || got != c.want) {
			t.Errorf("apiVersionOf(%q) = %d, %v; want %d", c.version, got, err, c.want)
		}
		if !c.ok && !errors.Is(err, ErrUnsupportedLibrary) {
			t.Errorf("apiVersionOf(%q) = %d, %v; want ErrUnsupportedLibrary", c.version, got, err)
		}
	}
}

func TestCUDAHints(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"CUDA execution provider is not enabled in this build.":                                                                    "no CUDA support",
		"Failed to load library /x/libonnxruntime_providers_shared.so with error: cannot open shared object file":                  "provider libraries",
		"Failed to load library /x/libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file": "CUDA 13 user-space libraries",
		"Could not load library libcudnn_ops.so.9":                                                                                 "cuDNN 9",
		"CUDA failure 100: no CUDA-capable device is detected":                                                                     "no usable GPU",
	}
	for msg, want := range cases {
		err := cudaUnavailable(&Error{Op: "update CUDA provider options", Code: CodeFail, Msg: msg})
		var oe *Error
		if !errors.Is(err, ErrCUDAUnavailable) || !errors.As(err, &oe) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q → %v; want ErrCUDAUnavailable with hint %q", msg, err, want)
		}
	}
}
