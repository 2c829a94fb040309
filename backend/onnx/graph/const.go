package graph

import (
	"fmt"
	"strconv"
)

// InlineLimit is the largest weight, in bytes, that Weight stores inside
// the protobuf; larger ones become zero-copy external initializers.
const InlineLimit = 64 << 10

// initializer is a weight or constant: inline raw bytes, or external data
// that ONNX Runtime reads in place.
type initializer struct {
	v        *Value
	dims     []int64
	data     []byte
	external bool
}

// Const adds a small inline constant of type dt holding vals, converted to
// dt (floats are rounded to nearest even; integer and bool types need
// values they hold exactly). dims nil means 1-D of len(vals); an empty,
// non-nil dims means a scalar. Identical constants are shared.
func (b *Builder) Const(dt DType, dims []int64, vals []float64) *Value {
	if dims == nil {
		dims = []int64{int64(len(vals))}
	}
	raw, err := encode(dt, vals)
	if err != nil {
		b.fail("constant: %w", err)
		raw = make([]byte, dt.Size()*len(vals))
	}
	return b.constant(dt, dims, raw, nil)
}

// ConstInt64 adds an inline int64 constant, e.g. axes or a shape. dims nil
// means 1-D of len(vals).
func (b *Builder) ConstInt64(dims []int64, vals ...int64) *Value {
	if dims == nil {
		dims = []int64{int64(len(vals))}
	}
	return b.constant(Int64, dims, int64Bytes(vals), append([]int64(nil), vals...))
}

// Scalar adds a rank-0 constant of type dt.
func (b *Builder) Scalar(dt DType, v float64) *Value {
	return b.Const(dt, []int64{}, []float64{v})
}

// constant adds (or reuses) an unnamed inline initializer.
func (b *Builder) constant(dt DType, dims []int64, raw []byte, ints []int64) *Value {
	if b.parent != nil {
		return b.root().constant(dt, dims, raw, ints)
	}
	key := fmt.Sprint(int32(dt), dims, string(raw))
	if v, ok := b.consts[key]; ok {
		return v
	}
	v := &Value{b: b, name: "Const_" + strconv.Itoa(b.next()), dtype: dt, rank: len(dims), ints: ints, key: key}
	b.consts[key] = v
	b.inits = append(b.inits, initializer{v: v, dims: append([]int64(nil), dims...), data: raw})
	return v
}

// Weight adds a named initializer of type dt and shape dims over data
// (little-endian). Data of at most InlineLimit bytes is copied into the
// protobuf; larger data becomes an External initializer that ONNX Runtime
// reads in place, without a copy.
func (b *Builder) Weight(name string, dt DType, dims []int64, data []byte) *Value {
	if b.parent != nil {
		return b.root().Weight(name, dt, dims, data)
	}
	if len(data) > InlineLimit {
		return b.External(name, dt, dims, data)
	}
	v := &Value{b: b, name: name, dtype: dt, rank: len(dims)}
	b.inits = append(b.inits, initializer{v: v, dims: append([]int64(nil), dims...), data: append([]byte(nil), data...)})
	return v
}

// External adds a named initializer of type dt and shape dims whose bytes
// stay in data: the model carries only an EXTERNAL stub, and ONNX Runtime
// reads data in place. data may be Go memory or mmapped; it must stay
// unchanged in size and alive until every session built from the model is
// closed (changing its contents changes what later runs compute).
func (b *Builder) External(name string, dt DType, dims []int64, data []byte) *Value {
	if b.parent != nil {
		return b.root().External(name, dt, dims, data)
	}
	v := &Value{b: b, name: name, dtype: dt, rank: len(dims)}
	b.inits = append(b.inits, initializer{v: v, dims: append([]int64(nil), dims...), data: data, external: true})
	return v
}

// elements is the number of elements of dims, or -1 when a dim is
// negative or the product overflows.
func elements(dims []int64) int64 {
	n := int64(1)
	for _, d := range dims {
		if d < 0 || (d > 0 && n > (1<<62)/d) {
			return -1
		}
		n *= d
	}
	return n
}
