package graph

// Typed one-liners over Op for the operators model code uses. Axes, shapes,
// sizes and slice bounds go in as inline int64 constants (opset 13+ input
// style), except where the opset still wants an attribute.

// op adds a node whose operands are all required: a nil operand is
// recorded as an error instead of silently becoming an omitted input.
func (b *Builder) op(opType string, inputs []*Value, attrs ...Attr) *Value {
	b.require(opType, inputs...)
	return b.Op(opType, inputs, attrs...)
}

func (b *Builder) require(opType string, inputs ...*Value) {
	for i, v := range inputs {
		if v == nil {
			b.fail("%s operand %d: %w", opType, i, ErrNilValue)
		}
	}
}

// MatMul is numpy-style matrix multiplication a·b.
func (b *Builder) MatMul(x, y *Value) *Value { return b.op("MatMul", []*Value{x, y}) }

// Add is x + y with broadcasting.
func (b *Builder) Add(x, y *Value) *Value { return b.op("Add", []*Value{x, y}) }

// Sub is x − y with broadcasting.
func (b *Builder) Sub(x, y *Value) *Value { return b.op("Sub", []*Value{x, y}) }

// Mul is x · y elementwise with broadcasting.
func (b *Builder) Mul(x, y *Value) *Value { return b.op("Mul", []*Value{x, y}) }

// Div is x / y with broadcasting.
func (b *Builder) Div(x, y *Value) *Value { return b.op("Div", []*Value{x, y}) }

// Pow is x to the power y with broadcasting.
func (b *Builder) Pow(x, y *Value) *Value { return b.op("Pow", []*Value{x, y}) }

// Neg is −x.
func (b *Builder) Neg(x *Value) *Value { return b.op("Neg", []*Value{x}) }

// Sqrt is √x.
func (b *Builder) Sqrt(x *Value) *Value { return b.op("Sqrt", []*Value{x}) }

// Reciprocal is 1/x.
func (b *Builder) Reciprocal(x *Value) *Value { return b.op("Reciprocal", []*Value{x}) }

// Exp is eˣ.
func (b *Builder) Exp(x *Value) *Value { return b.op("Exp", []*Value{x}) }

// Tanh is tanh(x).
func (b *Builder) Tanh(x *Value) *Value { return b.op("Tanh", []*Value{x}) }

// Sigmoid is 1/(1+e⁻ˣ).
func (b *Builder) Sigmoid(x *Value) *Value { return b.op("Sigmoid", []*Value{x}) }

// Erf is the error function.
func (b *Builder) Erf(x *Value) *Value { return b.op("Erf", []*Value{x}) }

// Cos is cos(x).
func (b *Builder) Cos(x *Value) *Value { return b.op("Cos", []*Value{x}) }

// Sin is sin(x).
func (b *Builder) Sin(x *Value) *Value { return b.op("Sin", []*Value{x}) }

// Identity is x under a new name.
func (b *Builder) Identity(x *Value) *Value { return b.op("Identity", []*Value{x}) }

// Softmax normalizes x along axis.
func (b *Builder) Softmax(x *Value, axis int64) *Value {
	return b.op("Softmax", []*Value{x}, AttrInt("axis", axis))
}

// ReduceSum sums x over axes (all axes when axes is empty).
func (b *Builder) ReduceSum(x *Value, axes []int64, keepdims bool) *Value {
	return b.Reduce("ReduceSum", x, axes, keepdims)
}

// ReduceMean averages x over axes (all axes when axes is empty).
func (b *Builder) ReduceMean(x *Value, axes []int64, keepdims bool) *Value {
	return b.Reduce("ReduceMean", x, axes, keepdims)
}

// ReduceMax is the maximum of x over axes (all axes when axes is empty).
func (b *Builder) ReduceMax(x *Value, axes []int64, keepdims bool) *Value {
	return b.Reduce("ReduceMax", x, axes, keepdims)
}

// Reduce adds any Reduce* operator over axes (all axes when empty). The
// axes become an input where the builder's opset takes them as one
// (ReduceSum since 13, the others since 18) and an attribute otherwise.
func (b *Builder) Reduce(opType string, x *Value, axes []int64, keepdims bool) *Value {
	keep := int64(0)
	if keepdims {
		keep = 1
	}
	attrs := []Attr{AttrInt("keepdims", keep)}
	if len(axes) == 0 {
		return b.op(opType, []*Value{x}, attrs...)
	}
	if opType != "ReduceSum" && b.opset < 18 {
		return b.op(opType, []*Value{x}, append(attrs, AttrInts("axes", axes...))...)
	}
	return b.op(opType, []*Value{x, b.ConstInt64(nil, axes...)}, attrs...)
}

// Reshape gives x the shape (0 copies the input dimension, −1 is
// inferred).
func (b *Builder) Reshape(x *Value, shape ...int64) *Value {
	return b.op("Reshape", []*Value{x, b.ConstInt64(nil, shape...)})
}

// Transpose permutes x's axes (reverses them when perm is empty).
func (b *Builder) Transpose(x *Value, perm ...int64) *Value {
	if len(perm) == 0 {
		return b.op("Transpose", []*Value{x})
	}
	return b.op("Transpose", []*Value{x}, AttrInts("perm", perm...))
}

// Gather takes the entries of data at indices idx along axis.
func (b *Builder) Gather(data, idx *Value, axis int64) *Value {
	return b.op("Gather", []*Value{data, idx}, AttrInt("axis", axis))
}

// Concat joins xs along axis.
func (b *Builder) Concat(axis int64, xs ...*Value) *Value {
	return b.op("Concat", xs, AttrInt("axis", axis))
}

// Slice takes x[starts:ends] along axes (all leading axes when axes is
// nil), with step 1.
func (b *Builder) Slice(x *Value, starts, ends, axes []int64) *Value {
	in := []*Value{x, b.ConstInt64(nil, starts...), b.ConstInt64(nil, ends...)}
	if axes != nil {
		in = append(in, b.ConstInt64(nil, axes...))
	}
	return b.op("Slice", in)
}

// Unsqueeze inserts size-1 axes at the given positions of the output.
func (b *Builder) Unsqueeze(x *Value, axes ...int64) *Value {
	return b.op("Unsqueeze", []*Value{x, b.ConstInt64(nil, axes...)})
}

// Squeeze removes the given size-1 axes (all size-1 axes when none are
// given).
func (b *Builder) Squeeze(x *Value, axes ...int64) *Value {
	if len(axes) == 0 {
		return b.op("Squeeze", []*Value{x})
	}
	return b.op("Squeeze", []*Value{x, b.ConstInt64(nil, axes...)})
}

// Cast converts x to element type to.
func (b *Builder) Cast(x *Value, to DType) *Value {
	return b.op("Cast", []*Value{x}, AttrInt("to", int64(to)))
}

// Where is x where c is true, else y, with broadcasting.
func (b *Builder) Where(c, x, y *Value) *Value { return b.op("Where", []*Value{c, x, y}) }

// Expand broadcasts x to shape (a 1-D int64 value).
func (b *Builder) Expand(x, shape *Value) *Value { return b.op("Expand", []*Value{x, shape}) }

// Shape is x's shape as a 1-D int64 tensor.
func (b *Builder) Shape(x *Value) *Value { return b.op("Shape", []*Value{x}) }

// Split cuts x along axis into len(sizes) parts of the given sizes.
func (b *Builder) Split(x *Value, axis int64, sizes ...int64) []*Value {
	if len(sizes) == 0 {
		b.fail("Split: no sizes given")
		sizes = []int64{-1}
	}
	b.require("Split", x)
	return b.OpN("Split", len(sizes), []*Value{x, b.ConstInt64(nil, sizes...)}, AttrInt("axis", axis))
}
