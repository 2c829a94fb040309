package graph

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/onnxpb"
)

// DType is a tensor element type. Its values equal
// onnxpb.TensorProto_DataType and ONNX Runtime's
// ONNXTensorElementDataType.
type DType int32

// Element types. Undefined (0) marks a value whose type the builder could
// not infer.
const (
	Undefined DType = 0
	Float32   DType = 1
	Uint8     DType = 2
	Int8      DType = 3
	Uint16    DType = 4
	Int16     DType = 5
	Int32     DType = 6
	Int64     DType = 7
	Bool      DType = 9
	Float16   DType = 10
	Float64   DType = 11
	Uint32    DType = 12
	Uint64    DType = 13
	BFloat16  DType = 16
)

// Size is the number of bytes of one element, or 0 for Undefined and for
// types the builder does not support.
func (d DType) Size() int {
	switch d {
	case Uint8, Int8, Bool:
		return 1
	case Uint16, Int16, Float16, BFloat16:
		return 2
	case Float32, Int32, Uint32:
		return 4
	case Int64, Float64, Uint64:
		return 8
	}
	return 0
}

// String is the lower-case ONNX name of the type, e.g. "float32".
func (d DType) String() string {
	switch d {
	case Undefined:
		return "undefined"
	case Float32:
		return "float32"
	case Uint8:
		return "uint8"
	case Int8:
		return "int8"
	case Uint16:
		return "uint16"
	case Int16:
		return "int16"
	case Int32:
		return "int32"
	case Int64:
		return "int64"
	case Bool:
		return "bool"
	case Float16:
		return "float16"
	case Float64:
		return "float64"
	case Uint32:
		return "uint32"
	case Uint64:
		return "uint64"
	case BFloat16:
		return "bfloat16"
	}
	return fmt.Sprintf("dtype(%d)", int32(d))
}

// Valid reports whether d is a type the builder supports.
func (d DType) Valid() bool { return d.Size() > 0 }

// proto is d as the protobuf enum value.
func (d DType) proto() int32 { return int32(onnxpb.TensorProto_DataType(d)) }
