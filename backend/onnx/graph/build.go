package graph

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/vlmask/vlmask/backend/onnx/onnxpb"
)

// ExternalLocation is the external_data location of every external stub.
// ONNX Runtime checks that it names an existing file inside the session's
// external-initializer folder but never reads it, because the data is
// supplied in place (AddInitializer); backend/onnx/ort sets that folder to
// "/", so the stub resolves to /dev/null.
const ExternalLocation = "dev/null"

// MaxProtoSize is the largest serialized model ONNX Runtime accepts.
const MaxProtoSize = math.MaxInt32

// Model is a built graph: the protobuf, in which external weights are
// EXTERNAL stubs and never inline data, plus those weights' bytes.
type Model struct {
	Proto     *onnxpb.ModelProto
	Externals []External
}

// External is a weight that ONNX Runtime reads in place from Data
// (little-endian, row-major).
type External struct {
	Name  string
	DType DType
	Dims  []int64
	Data  []byte
}

// Marshal serializes the protobuf. External weights are not included.
func (m *Model) Marshal() ([]byte, error) {
	if n := proto.Size(m.Proto); n > MaxProtoSize {
		return nil, fmt.Errorf("marshal graph %q: %w (%d bytes; make large weights External)", m.Proto.GetGraph().GetName(), ErrTooLarge, n)
	}
	out, err := proto.MarshalOptions{Deterministic: true}.Marshal(m.Proto)
	if err != nil {
		return nil, fmt.Errorf("marshal graph %q: %w", m.Proto.GetGraph().GetName(), err)
	}
	return out, nil
}

// Build validates the graph and returns the model: every node input is
// defined before use, names are unique, there is at least one output, and
// each weight's data matches its dtype and dims. It reports the first
// problem (and how many more there are), including problems recorded while
// building. Build may be called again after more nodes are added.
func (b *Builder) Build() (*Model, error) {
	if b.parent != nil {
		return nil, fmt.Errorf("graph %q: %w: a subgraph is built by the node that holds it", b.name, ErrSubgraph)
	}
	if errs := b.check(); len(errs) > 0 {
		if len(errs) == 1 {
			return nil, errs[0]
		}
		return nil, fmt.Errorf("%w (and %d more problems)", errs[0], len(errs)-1)
	}
	return b.model(), nil
}

// check validates the graph and returns every problem found, those
// recorded while building first. A subgraph's nodes may use values of the
// graphs it is nested in: those were made, so defined, before the node
// holding the subgraph.
func (b *Builder) check() []error {
	errs := append([]error(nil), b.errs...)
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("graph %q: "+format, append([]any{b.name}, args...)...))
	}

	defined := map[string]bool{}
	define := func(v *Value, what string) {
		if defined[v.name] {
			fail("%s %q: %w", what, v.name, ErrDuplicateName)
		}
		defined[v.name] = true
	}
	for _, v := range b.inputs {
		define(v, "input")
	}
	for _, in := range b.inits {
		define(in.v, "initializer")
		if err := checkData(in); err != nil {
			fail("initializer %q: %w", in.v.name, err)
		}
	}
	for _, n := range b.nodes {
		for i, in := range n.inputs {
			if in == nil {
				continue
			}
			outer := in.b != b && b.parent != nil && b.parent.sees(in.b)
			if !outer && (in.b != b || !defined[in.name]) {
				fail("node %s (%s) input %d: %w: %q", n.name, n.opType, i, ErrUndefinedInput, in.name)
			}
		}
		for _, out := range n.outputs {
			define(out, "node output")
		}
	}
	if len(b.outputs) == 0 {
		fail("%w", ErrNoOutputs)
	}
	outNames := map[string]bool{}
	for _, o := range b.outputs {
		if outNames[o.name] {
			fail("output %q: %w", o.name, ErrDuplicateName)
		}
		outNames[o.name] = true
	}
	return errs
}

// checkData checks an initializer's dtype, dims and data length.
func checkData(in initializer) error {
	if !in.v.dtype.Valid() {
		return fmt.Errorf("%w: %v", ErrUnsupportedDType, in.v.dtype)
	}
	n := elements(in.dims)
	if n < 0 {
		return fmt.Errorf("%w: dims %v", ErrBadDim, in.dims)
	}
	if want := n * int64(in.v.dtype.Size()); int64(len(in.data)) != want {
		return fmt.Errorf("%w: %v %v needs %d bytes, got %d", ErrSizeMismatch, in.v.dtype, in.dims, want, len(in.data))
	}
	return nil
}

// model assembles the protobuf of a validated graph.
func (b *Builder) model() *Model {
	m := &Model{}
	g := b.graphProto(m)
	m.Proto = &onnxpb.ModelProto{
		IrVersion:    proto.Int64(IRVersion),
		ProducerName: proto.String("vlmask"),
		OpsetImport:  []*onnxpb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(int64(b.opset))}},
		Graph:        g,
	}
	for _, domain := range slices.Sorted(maps.Keys(b.imports)) {
		m.Proto.OpsetImport = append(m.Proto.OpsetImport, &onnxpb.OperatorSetIdProto{Domain: proto.String(domain), Version: proto.Int64(int64(b.imports[domain]))})
	}
	return m
}

// graphProto assembles the graph's protobuf, listing its external
// weights in m. Subgraphs carry no initializers (their constants and
// weights live in the main graph).
func (b *Builder) graphProto(m *Model) *onnxpb.GraphProto {
	g := &onnxpb.GraphProto{Name: proto.String(b.name)}
	for _, v := range b.inputs {
		g.Input = append(g.Input, valueInfo(v.name, v))
	}
	for _, in := range b.inits {
		t := &onnxpb.TensorProto{Name: proto.String(in.v.name), DataType: proto.Int32(in.v.dtype.proto()), Dims: in.dims}
		if in.external {
			t.DataLocation = onnxpb.TensorProto_EXTERNAL.Enum()
			t.ExternalData = []*onnxpb.StringStringEntryProto{{Key: proto.String("location"), Value: proto.String(ExternalLocation)}}
			m.Externals = append(m.Externals, External{Name: in.v.name, DType: in.v.dtype, Dims: in.dims, Data: in.data})
		} else {
			t.RawData = in.data
		}
		g.Initializer = append(g.Initializer, t)
	}
	for _, n := range b.nodes {
		np := &onnxpb.NodeProto{Name: proto.String(n.name), OpType: proto.String(n.opType)}
		if n.domain != "" {
			np.Domain = proto.String(n.domain)
		}
		for _, in := range n.inputs {
			name := ""
			if in != nil {
				name = in.name
			}
			np.Input = append(np.Input, name)
		}
		for _, out := range n.outputs {
			np.Output = append(np.Output, out.name)
		}
		for _, a := range n.attrs {
			np.Attribute = append(np.Attribute, a.p)
		}
		g.Node = append(g.Node, np)
	}
	for _, o := range b.outputs {
		g.Output = append(g.Output, valueInfo(o.name, o.v))
	}
	return g
}

// valueInfo declares a graph input or output: its element type when
// known, and its dims (graph inputs) or just its rank when known.
func valueInfo(name string, v *Value) *onnxpb.ValueInfoProto {
	vi := &onnxpb.ValueInfoProto{Name: proto.String(name)}
	if v.dtype == Undefined {
		return vi
	}
	t := &onnxpb.TypeProto_Tensor{ElemType: proto.Int32(v.dtype.proto())}
	switch {
	case v.dims != nil:
		t.Shape = &onnxpb.TensorShapeProto{}
		for _, d := range v.dims {
			pd := &onnxpb.TensorShapeProto_Dimension{}
			if d.param != "" {
				pd.Value = &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: d.param}
			} else {
				pd.Value = &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: d.value}
			}
			t.Shape.Dim = append(t.Shape.Dim, pd)
		}
	case v.rank >= 0:
		t.Shape = &onnxpb.TensorShapeProto{}
		for range v.rank {
			t.Shape.Dim = append(t.Shape.Dim, &onnxpb.TensorShapeProto_Dimension{})
		}
	}
	vi.Type = &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: t}}
	return vi
}
