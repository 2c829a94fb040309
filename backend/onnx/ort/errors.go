package ort

import (
	"errors"
	"fmt"
)

// Sentinel errors, usable with errors.Is.
var (
	// ErrLibraryNotFound: no ONNX Runtime library was found; the wrapping
	// message names every place searched and how to get one.
	ErrLibraryNotFound = errors.New("onnx: ONNX Runtime library not found")
	// ErrUnsupportedLibrary: the library is not ONNX Runtime 1.x with at
	// least OrtApi MinAPIVersion.
	ErrUnsupportedLibrary = errors.New("onnx: unsupported ONNX Runtime library")
	// ErrUnsupportedPlatform: loading the library is not implemented on
	// this operating system.
	ErrUnsupportedPlatform = errors.New("onnx: loading ONNX Runtime is not supported on this platform")
	// ErrClosed: the Runtime, Session, IoBinding or Value was closed.
	ErrClosed = errors.New("onnx: use after close")
	// ErrDType: an element type does not match (a tensor's, or the Go type
	// asked of Data).
	ErrDType = errors.New("onnx: element type mismatch")
	// ErrShape: data does not hold the number of elements its shape says,
	// or a dimension is negative.
	ErrShape = errors.New("onnx: data does not match shape")
	// ErrCUDAUnavailable: the CUDA execution provider cannot be used; the
	// wrapped errors say why.
	ErrCUDAUnavailable = errors.New("onnx: CUDA execution provider unavailable")
	// ErrMissingInput: a Run did not feed every graph input.
	ErrMissingInput = errors.New("onnx: graph input not fed")
	// ErrInvalidArgument: a caller error caught before calling ONNX Runtime
	// (a nil value, no output names, a name with a NUL byte).
	ErrInvalidArgument = errors.New("onnx: invalid argument")
)

// ErrorCode is ONNX Runtime's OrtErrorCode.
type ErrorCode int32

// OrtErrorCode values.
const (
	CodeFail             ErrorCode = 1
	CodeInvalidArgument  ErrorCode = 2
	CodeNoSuchFile       ErrorCode = 3
	CodeNoModel          ErrorCode = 4
	CodeEngineError      ErrorCode = 5
	CodeRuntimeException ErrorCode = 6
	CodeInvalidProtobuf  ErrorCode = 7
	CodeModelLoaded      ErrorCode = 8
	CodeNotImplemented   ErrorCode = 9
	CodeInvalidGraph     ErrorCode = 10
	CodeEPFail           ErrorCode = 11
)

// Error is a failure reported by ONNX Runtime (an OrtStatus): Op is what
// the binding was doing, Code and Msg are ONNX Runtime's.
type Error struct {
	Op   string
	Code ErrorCode
	Msg  string
}

// Error formats the failure as "onnx: <op>: code <n>: <message>".
func (e *Error) Error() string { return fmt.Sprintf("onnx: %s: code %d: %s", e.Op, e.Code, e.Msg) }
