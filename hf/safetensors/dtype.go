package safetensors

import "fmt"

// DType is a safetensors element type, spelled as in the header: "F32",
// "BF16", "F16", "F64", "I64", "I32", ...
type DType string

// The dtypes of the safetensors format. F32, BF16 and F16 convert to float
// (Tensor.Float32, Tensor.Float64), F64 to float64, and the integer types
// and BOOL to int64 (Tensor.Int64, except U64). The others are accepted in a
// header, and their bytes are readable through Tensor.Data, but no
// conversion reads them.
const (
	Bool   DType = "BOOL"
	U8     DType = "U8"
	I8     DType = "I8"
	U16    DType = "U16"
	I16    DType = "I16"
	F16    DType = "F16"
	BF16   DType = "BF16"
	U32    DType = "U32"
	I32    DType = "I32"
	F32    DType = "F32"
	U64    DType = "U64"
	I64    DType = "I64"
	F64    DType = "F64"
	C64    DType = "C64"
	F8E4M3 DType = "F8_E4M3"
	F8E5M2 DType = "F8_E5M2"
	F8E8M0 DType = "F8_E8M0"
	F6E2M3 DType = "F6_E2M3"
	F6E3M2 DType = "F6_E3M2"
	F4     DType = "F4"
)

// bits is the element width in bits of every known dtype.
func (d DType) bits() (int, bool) {
	switch d {
	case F4:
		return 4, true
	case F6E2M3, F6E3M2:
		return 6, true
	case Bool, U8, I8, F8E4M3, F8E5M2, F8E8M0:
		return 8, true
	case U16, I16, F16, BF16:
		return 16, true
	case U32, I32, F32:
		return 32, true
	case U64, I64, F64, C64:
		return 64, true
	}
	return 0, false
}

// Known reports whether d is a dtype of the safetensors format.
func (d DType) Known() bool {
	_, ok := d.bits()
	return ok
}

// Size returns the size of one element in bytes. It fails for an unknown
// dtype and for the sub-byte dtypes (F4, F6_*), whose elements are packed.
func (d DType) Size() (int, error) {
	b, ok := d.bits()
	if !ok {
		return 0, fmt.Errorf("dtype %q: unknown to the safetensors format: %w", string(d), ErrUnsupportedDType)
	}
	if b%8 != 0 {
		return 0, fmt.Errorf("dtype %s: %d bits per element, not a whole number of bytes: %w", d, b, ErrUnsupportedDType)
	}
	return b / 8, nil
}
