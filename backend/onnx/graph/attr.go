package graph

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/vlmask/vlmask/backend/onnx/onnxpb"
)

// Attr is a node attribute, made by AttrInt, AttrInts, AttrFloat,
// AttrFloats or AttrString.
type Attr struct {
	p   *onnxpb.AttributeProto
	err error // set by a constructor that got bad input; reported by Build
}

// Name is the attribute's name.
func (a Attr) Name() string { return a.p.GetName() }

// AttrInt is an integer attribute, e.g. AttrInt("axis", -1).
func AttrInt(name string, v int64) Attr {
	return Attr{p: &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INT.Enum(), I: proto.Int64(v)}}
}

// AttrInts is an integer-list attribute, e.g. AttrInts("perm", 1, 0, 2).
func AttrInts(name string, v ...int64) Attr {
	return Attr{p: &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INTS.Enum(), Ints: append([]int64(nil), v...)}}
}

// AttrFloat is a float attribute, e.g. AttrFloat("epsilon", 1e-6).
func AttrFloat(name string, v float32) Attr {
	return Attr{p: &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_FLOAT.Enum(), F: proto.Float32(v)}}
}

// AttrFloats is a float-list attribute.
func AttrFloats(name string, v ...float32) Attr {
	return Attr{p: &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_FLOATS.Enum(), Floats: append([]float32(nil), v...)}}
}

// AttrString is a string attribute, e.g. AttrString("mode", "constant").
func AttrString(name string, v string) Attr {
	return Attr{p: &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_STRING.Enum(), S: []byte(v)}}
}

// AttrTensor is a one-element tensor attribute of type dt holding v, e.g.
// ConstantOfShape's "value". A value dt cannot hold is reported by Build.
func AttrTensor(name string, dt DType, v float64) Attr {
	raw, err := encode(dt, []float64{v})
	t := &onnxpb.TensorProto{DataType: proto.Int32(dt.proto()), Dims: []int64{1}, RawData: raw}
	if err != nil {
		err = fmt.Errorf("attribute %q: %w", name, err)
	}
	return Attr{p: &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_TENSOR.Enum(), T: t}, err: err}
}

// findInt reads an integer attribute, reporting whether it was present.
func findInt(attrs []Attr, name string) (int64, bool) {
	for _, a := range attrs {
		if a.p.GetName() == name && a.p.GetType() == onnxpb.AttributeProto_INT {
			return a.p.GetI(), true
		}
	}
	return 0, false
}

// findInts reads an integer-list attribute, reporting whether it was present.
func findInts(attrs []Attr, name string) ([]int64, bool) {
	for _, a := range attrs {
		if a.p.GetName() == name && a.p.GetType() == onnxpb.AttributeProto_INTS {
			return a.p.GetInts(), true
		}
	}
	return nil, false
}

// findTensorType reads the element type of a tensor attribute.
func findTensorType(attrs []Attr, name string) (DType, bool) {
	for _, a := range attrs {
		if a.p.GetName() == name && a.p.GetType() == onnxpb.AttributeProto_TENSOR {
			return DType(a.p.GetT().GetDataType()), true
		}
	}
	return Undefined, false
}
