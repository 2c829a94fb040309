package safetensors

import (
	"encoding/binary"
	"math"
	"unsafe"
)

// Float32 returns a copy of the tensor's values as float32, from F32, BF16
// or F16. Every conversion is exact (F16 subnormals, infinities and NaN
// payloads included). Other dtypes give ErrUnsupportedDType.
func (t Tensor) Float32() ([]float32, error) {
	switch t.DType {
	case F32, BF16, F16:
	default:
		return nil, t.unsupported("float32")
	}
	n, _, err := t.check()
	if err != nil {
		return nil, err
	}
	out := make([]float32, n)
	decodeFloats(t.DType, t.Data, out)
	return out, nil
}

// Float32View returns the tensor's values without copying when its dtype is
// F32, its data is 4-byte aligned and the host is little-endian; ok is false
// otherwise (use Float32). The slice aliases Data: it is read-only and valid
// as long as Data is.
func (t Tensor) Float32View() ([]float32, bool) {
	if t.DType != F32 || !littleEndianHost() {
		return nil, false
	}
	n, _, err := t.check()
	if err != nil {
		return nil, false
	}
	if n == 0 {
		return []float32{}, true
	}
	p := unsafe.Pointer(unsafe.SliceData(t.Data))
	if uintptr(p)%unsafe.Alignof(float32(0)) != 0 {
		return nil, false
	}
	return unsafe.Slice((*float32)(p), n), true
}

// Float64 returns a copy of the tensor's values as float64, from F64, F32,
// BF16 or F16, all exactly. Other dtypes give ErrUnsupportedDType.
func (t Tensor) Float64() ([]float64, error) {
	switch t.DType {
	case F64, F32, BF16, F16:
	default:
		return nil, t.unsupported("float64")
	}
	n, _, err := t.check()
	if err != nil {
		return nil, err
	}
	out := make([]float64, n)
	if t.DType == F64 {
		for i := range out {
			out[i] = math.Float64frombits(binary.LittleEndian.Uint64(t.Data[i*8:]))
		}
		return out, nil
	}
	decodeFloats(t.DType, t.Data, out)
	return out, nil
}

// Int64 returns a copy of the tensor's values as int64, from I64, I32, I16,
// I8, U32, U16, U8 or BOOL (0 or 1). U64, whose values may not fit, and the
// float dtypes give ErrUnsupportedDType.
func (t Tensor) Int64() ([]int64, error) {
	switch t.DType {
	case I64, I32, I16, I8, U32, U16, U8, Bool:
	default:
		return nil, t.unsupported("int64")
	}
	n, size, err := t.check()
	if err != nil {
		return nil, err
	}
	out := make([]int64, n)
	le := binary.LittleEndian
	for i := range out {
		b := t.Data[i*size:]
		switch t.DType {
		case I64:
			out[i] = int64(le.Uint64(b))
		case I32:
			out[i] = int64(int32(le.Uint32(b)))
		case I16:
			out[i] = int64(int16(le.Uint16(b)))
		case I8:
			out[i] = int64(int8(b[0]))
		case U32:
			out[i] = int64(le.Uint32(b))
		case U16:
			out[i] = int64(le.Uint16(b))
		case U8:
			out[i] = int64(b[0])
		case Bool:
			if b[0] != 0 {
				out[i] = 1
			}
		}
	}
	return out, nil
}

// decodeFloats converts F32, BF16 or F16 data, whose length has been
// checked against len(out), into out; one loop per dtype keeps it fast.
func decodeFloats[T float32 | float64](dt DType, data []byte, out []T) {
	le := binary.LittleEndian
	switch dt {
	case F32:
		for i := range out {
			out[i] = T(math.Float32frombits(le.Uint32(data[4*i:])))
		}
	case BF16:
		for i := range out {
			out[i] = T(math.Float32frombits(bfloat16ToFloat32Bits(le.Uint16(data[2*i:]))))
		}
	case F16:
		for i := range out {
			out[i] = T(math.Float32frombits(float16ToFloat32Bits(le.Uint16(data[2*i:]))))
		}
	}
}

// littleEndianHost reports whether the machine stores integers
// least-significant byte first, as safetensors does.
func littleEndianHost() bool {
	probe := uint16(1)
	return *(*byte)(unsafe.Pointer(&probe)) == 1
}
