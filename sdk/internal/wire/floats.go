package wire

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"
)

// PackFloat32s returns v as little-endian IEEE-754 bytes, 4 per value, bit
// for bit (NaN payloads included), or nil for an empty v. On little-endian
// machines the result is a view of v's memory, not a copy: it is meant to
// be marshalled at once, and v must not change until then.
func PackFloat32s(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	if littleEndian {
		return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))
	}
	out := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(f))
	}
	return out
}

// UnpackFloat32s reads little-endian IEEE-754 float32 values, bit for bit,
// or nil for empty input; the length must be a multiple of 4. On
// little-endian machines, when b is 4-byte aligned (as the buffers protobuf
// allocates for a bytes field are), the result is a view of b's memory, not
// a copy: b must not be used afterwards.
func UnpackFloat32s(b []byte) ([]float32, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("float32 data of %d bytes: not a multiple of 4", len(b))
	}
	if len(b) == 0 {
		return nil, nil
	}
	if littleEndian && uintptr(unsafe.Pointer(&b[0]))%4 == 0 {
		return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4), nil
	}
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out, nil
}

// PackFloat64s returns v as little-endian IEEE-754 bytes, 8 per value, bit
// for bit, or nil for an empty v. Like PackFloat32s, the result is a view
// of v's memory on little-endian machines.
func PackFloat64s(v []float64) []byte {
	if len(v) == 0 {
		return nil
	}
	if littleEndian {
		return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 8*len(v))
	}
	out := make([]byte, 8*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint64(out[8*i:], math.Float64bits(f))
	}
	return out
}

// UnpackFloat64s reads little-endian IEEE-754 float64 values, bit for bit,
// or nil for empty input; the length must be a multiple of 8. The result is
// a copy, except on little-endian machines when b is 8-byte aligned, where
// it is a view of b's memory and b must not be used afterwards.
func UnpackFloat64s(b []byte) ([]float64, error) {
	if len(b)%8 != 0 {
		return nil, fmt.Errorf("float64 data of %d bytes: not a multiple of 8", len(b))
	}
	if len(b) == 0 {
		return nil, nil
	}
	if littleEndian && uintptr(unsafe.Pointer(&b[0]))%8 == 0 {
		return unsafe.Slice((*float64)(unsafe.Pointer(&b[0])), len(b)/8), nil
	}
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out, nil
}
