package graph

import (
	"encoding/binary"
	"fmt"
	"math"
)

// encode converts vals to dt's little-endian raw bytes, as ONNX raw_data
// holds them. Integer and bool types need values they can hold exactly
// (bool: 0 or 1).
func encode(dt DType, vals []float64) ([]byte, error) {
	size := dt.Size()
	if size == 0 {
		return nil, fmt.Errorf("encode constant: %w: %v", ErrUnsupportedDType, dt)
	}
	out := make([]byte, size*len(vals))
	le := binary.LittleEndian
	for i, v := range vals {
		b := out[i*size:]
		switch dt {
		case Float32:
			le.PutUint32(b, math.Float32bits(float32(v)))
		case Float64:
			le.PutUint64(b, math.Float64bits(v))
		case Float16:
			le.PutUint16(b, Float16Bits(v))
		case BFloat16:
			le.PutUint16(b, BFloat16Bits(v))
		default:
			n, err := integral(dt, v)
			if err != nil {
				return nil, fmt.Errorf("encode constant element %d: %w", i, err)
			}
			switch size {
			case 1:
				b[0] = byte(n)
			case 2:
				le.PutUint16(b, uint16(n))
			case 4:
				le.PutUint32(b, uint32(n))
			case 8:
				le.PutUint64(b, uint64(n))
			}
		}
	}
	return out, nil
}

// integral checks that v is an integer within dt's range and returns it
// (Uint64 values above MaxInt64 come back as their two's-complement bits).
func integral(dt DType, v float64) (int64, error) {
	lo, hi := integerRange(dt) // hi is exclusive
	if v != math.Trunc(v) || v < lo || v >= hi {
		return 0, fmt.Errorf("%w: %v does not fit %v", ErrBadConstant, v, dt)
	}
	if v >= 1<<63 {
		return int64(uint64(v)), nil
	}
	return int64(v), nil
}

// integerRange is [lo, hi) for an integer or bool dtype.
func integerRange(dt DType) (lo, hi float64) {
	switch dt {
	case Bool:
		return 0, 2
	case Uint8:
		return 0, 1 << 8
	case Int8:
		return -1 << 7, 1 << 7
	case Uint16:
		return 0, 1 << 16
	case Int16:
		return -1 << 15, 1 << 15
	case Uint32:
		return 0, 1 << 32
	case Int32:
		return -1 << 31, 1 << 31
	case Uint64:
		return 0, 1 << 64
	}
	return -1 << 63, 1 << 63
}

// int64Bytes is vals as little-endian int64 raw data (exact for all int64s,
// unlike a round trip through float64).
func int64Bytes(vals []int64) []byte {
	out := make([]byte, 8*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint64(out[8*i:], uint64(v))
	}
	return out
}
