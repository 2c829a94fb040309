package graph

import "errors"

// Errors reported by Build (wrapped with the graph name and the offending
// node or value), usable with errors.Is.
var (
	// ErrUndefinedInput: a node reads a value that is not a graph input,
	// an initializer or the output of an earlier node of this builder.
	ErrUndefinedInput = errors.New("undefined input")
	// ErrDuplicateName: two values (inputs, weights, node outputs) or two
	// graph outputs share a name.
	ErrDuplicateName = errors.New("duplicate name")
	// ErrSizeMismatch: a weight's or constant's data does not hold
	// product(dims) elements of its dtype.
	ErrSizeMismatch = errors.New("data size does not match dtype and dims")
	// ErrBadDim: an input dimension is neither a non-negative integer nor a
	// non-empty symbolic name, or a weight dimension is negative.
	ErrBadDim = errors.New("bad dimension")
	// ErrUnsupportedDType: the element type has no fixed size here.
	ErrUnsupportedDType = errors.New("unsupported dtype")
	// ErrBadConstant: a constant value cannot be represented in its dtype.
	ErrBadConstant = errors.New("bad constant")
	// ErrNoOutputs: the graph declares no outputs.
	ErrNoOutputs = errors.New("graph has no outputs")
	// ErrOpset: the default-domain opset is outside MinOpset..MaxOpset.
	ErrOpset = errors.New("unsupported opset")
	// ErrNilValue: a nil *Value where one is required (graph outputs and
	// the operands of convenience methods).
	ErrNilValue = errors.New("nil value")
	// ErrTooLarge: the serialized model would exceed protobuf's 2 GiB
	// limit (weights should be External).
	ErrTooLarge = errors.New("serialized model exceeds 2 GiB")
	// ErrSubgraph: a subgraph (a Loop body) is misused: built on its own,
	// or its outputs do not match what the node needs.
	ErrSubgraph = errors.New("bad subgraph")
)
