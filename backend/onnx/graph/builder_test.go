package graph_test

import (
	"errors"
	"strings"
	"testing"
	"unsafe"

	"google.golang.org/protobuf/proto"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/onnxpb"
)

// float32Bytes is a little-endian view of v (the test hosts are
// little-endian, as ONNX raw data is).
func float32Bytes(v []float32) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 4*len(v))
}

func mustBuild(t *testing.T, b *graph.Builder) *graph.Model {
	t.Helper()
	m, err := b.Build()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return m
}

func TestBuildAndMarshal(t *testing.T) {
	t.Parallel()
	b := graph.New("softmax", 17)
	x := b.Input("x", graph.Float32, "seq", 4)
	w := b.Weight("w", graph.Float32, []int64{4, 3}, float32Bytes(make([]float32, 12)))
	p := b.Softmax(b.MatMul(x, w), -1)
	b.Output(p, "p")
	b.Output(b.ReduceSum(p, []int64{0}, false), "r")
	m := mustBuild(t, b)

	raw, err := m.Marshal()
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	var back onnxpb.ModelProto
	if err := proto.Unmarshal(raw, &back); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if got := back.GetIrVersion(); got != graph.IRVersion {
		t.Errorf("ir_version = %d, want %d", got, graph.IRVersion)
	}
	if imp := back.GetOpsetImport(); len(imp) != 1 || imp[0].GetDomain() != "" || imp[0].GetVersion() != 17 {
		t.Errorf("opset_import = %v, want default domain at 17", imp)
	}
	var ops []string
	for _, n := range back.GetGraph().GetNode() {
		ops = append(ops, n.GetOpType())
	}
	if got, want := strings.Join(ops, ","), "MatMul,Softmax,Identity,ReduceSum,Identity"; got != want {
		t.Errorf("nodes = %s, want %s", got, want)
	}
	var inits []string
	for _, in := range back.GetGraph().GetInitializer() {
		inits = append(inits, in.GetName())
	}
	if len(inits) != 2 || inits[0] != "w" {
		t.Errorf("initializers = %v, want w and one axes constant", inits)
	}
	outs := back.GetGraph().GetOutput()
	if len(outs) != 2 || outs[0].GetName() != "p" || outs[1].GetName() != "r" {
		t.Fatalf("outputs = %v, want p, r", outs)
	}
	for i, wantRank := range []int{2, 1} {
		tt := outs[i].GetType().GetTensorType()
		if tt.GetElemType() != int32(graph.Float32) || len(tt.GetShape().GetDim()) != wantRank {
			t.Errorf("output %s: elem %d rank %d, want float32 rank %d", outs[i].GetName(), tt.GetElemType(), len(tt.GetShape().GetDim()), wantRank)
		}
	}
	if len(m.Externals) != 0 {
		t.Errorf("Externals = %d, want 0 for a small weight", len(m.Externals))
	}
}

func TestSymbolicDims(t *testing.T) {
	t.Parallel()
	b := graph.New("dims", 18)
	x := b.Input("x", graph.Float32, "batch", 3, int64(5), "seq")
	b.Output(x, "x")
	m := mustBuild(t, b)
	dims := m.Proto.GetGraph().GetInput()[0].GetType().GetTensorType().GetShape().GetDim()
	want := []string{"batch", "", "", "seq"}
	wantVal := []int64{0, 3, 5, 0}
	if len(dims) != len(want) {
		t.Fatalf("rank %d, want %d", len(dims), len(want))
	}
	for i, d := range dims {
		if d.GetDimParam() != want[i] || d.GetDimValue() != wantVal[i] {
			t.Errorf("dim %d = (param %q, value %d), want (%q, %d)", i, d.GetDimParam(), d.GetDimValue(), want[i], wantVal[i])
		}
	}
	if n := len(m.Proto.GetGraph().GetNode()); n != 0 {
		t.Errorf("an input output under its own name added %d nodes", n)
	}
}

func TestValidationErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		build func(b *graph.Builder)
		want  error
		text  string
	}{
		"input from another builder": {
			build: func(b *graph.Builder) {
				other := graph.New("other", 18).Input("z", graph.Float32, 2)
				b.Output(b.Neg(other), "y")
			},
			want: graph.ErrUndefinedInput, text: `"z"`,
		},
		"duplicate name": {
			build: func(b *graph.Builder) {
				x := b.Input("x", graph.Float32, 2)
				b.Output(b.Named(b.Neg(x), "x"), "y")
			},
			want: graph.ErrDuplicateName, text: `"x"`,
		},
		"duplicate output": {
			build: func(b *graph.Builder) {
				x := b.Input("x", graph.Float32, 2)
				b.Output(b.Neg(x), "y")
				b.Output(b.Exp(x), "y")
			},
			want: graph.ErrDuplicateName,
		},
		"external size mismatch": {
			build: func(b *graph.Builder) {
				w := b.External("w", graph.Float32, []int64{1 << 20, 1 << 12}, make([]byte, 16))
				b.Output(b.Neg(w), "y")
			},
			want: graph.ErrSizeMismatch, text: `"w"`,
		},
		"inline weight size mismatch": {
			build: func(b *graph.Builder) {
				w := b.Weight("w", graph.Float64, []int64{3}, make([]byte, 16))
				b.Output(b.Neg(w), "y")
			},
			want: graph.ErrSizeMismatch,
		},
		"constant length mismatch": {
			build: func(b *graph.Builder) {
				b.Output(b.Const(graph.Float32, []int64{2, 2}, []float64{1, 2, 3}), "y")
			},
			want: graph.ErrSizeMismatch,
		},
		"constant out of range": {
			build: func(b *graph.Builder) {
				b.Output(b.Const(graph.Int8, nil, []float64{200}), "y")
			},
			want: graph.ErrBadConstant,
		},
		"fractional integer constant": {
			build: func(b *graph.Builder) {
				b.Output(b.Const(graph.Int64, nil, []float64{1.5}), "y")
			},
			want: graph.ErrBadConstant,
		},
		"negative input dim": {
			build: func(b *graph.Builder) {
				b.Output(b.Input("x", graph.Float32, -1), "x")
			},
			want: graph.ErrBadDim,
		},
		"non-integer input dim": {
			build: func(b *graph.Builder) {
				b.Output(b.Input("x", graph.Float32, 2.5), "x")
			},
			want: graph.ErrBadDim,
		},
		"no outputs": {
			build: func(b *graph.Builder) { b.Neg(b.Input("x", graph.Float32, 2)) },
			want:  graph.ErrNoOutputs,
		},
		"nil operand": {
			build: func(b *graph.Builder) { b.Output(b.Add(b.Input("x", graph.Float32, 2), nil), "y") },
			want:  graph.ErrNilValue,
		},
		"nil output": {
			build: func(b *graph.Builder) { b.Output(nil, "y") },
			want:  graph.ErrNilValue,
		},
		"undefined dtype input": {
			build: func(b *graph.Builder) { b.Output(b.Input("x", graph.Undefined, 2), "x") },
			want:  graph.ErrUnsupportedDType,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := graph.New("g", 18)
			tc.build(b)
			_, err := b.Build()
			if !errors.Is(err, tc.want) {
				t.Fatalf("Build error = %v, want %v", err, tc.want)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, `graph "g": `) || strings.Contains(msg, "\n") || !strings.Contains(msg, tc.text) {
				t.Errorf("error %q: want one line naming the graph and %s", msg, tc.text)
			}
		})
	}
}

func TestOpsetRange(t *testing.T) {
	t.Parallel()
	for _, opset := range []int{graph.MinOpset - 1, graph.MaxOpset + 1} {
		b := graph.New("g", opset)
		b.Output(b.Input("x", graph.Float32, 1), "x")
		if _, err := b.Build(); !errors.Is(err, graph.ErrOpset) {
			t.Errorf("opset %d: error %v, want ErrOpset", opset, err)
		}
	}
}

func TestWeightAboveInlineLimitGoesExternal(t *testing.T) {
	t.Parallel()
	small := make([]byte, graph.InlineLimit)
	big := make([]byte, 8<<20) // 8 MiB of float32
	b := graph.New("weights", 18)
	x := b.Input("x", graph.Float32, 1, 2048)
	ws := b.Weight("small", graph.Float32, []int64{graph.InlineLimit / 4}, small)
	wb := b.Weight("big", graph.Float32, []int64{2048, 1024}, big)
	b.Output(b.MatMul(x, wb), "y")
	b.Output(b.Neg(ws), "z")
	m := mustBuild(t, b)

	if len(m.Externals) != 1 {
		t.Fatalf("Externals = %d, want 1", len(m.Externals))
	}
	e := m.Externals[0]
	if e.Name != "big" || e.DType != graph.Float32 || len(e.Dims) != 2 || e.Dims[0] != 2048 || e.Dims[1] != 1024 {
		t.Errorf("external = %s %v %v", e.Name, e.DType, e.Dims)
	}
	if unsafe.SliceData(e.Data) != unsafe.SliceData(big) || len(e.Data) != len(big) {
		t.Error("external data is a copy, want the caller's buffer")
	}
	for _, in := range m.Proto.GetGraph().GetInitializer() {
		switch in.GetName() {
		case "big":
			ext := in.GetExternalData()
			if in.GetDataLocation() != onnxpb.TensorProto_EXTERNAL || len(in.GetRawData()) != 0 ||
				len(ext) != 1 || ext[0].GetKey() != "location" || ext[0].GetValue() != graph.ExternalLocation {
				t.Errorf("big: location %v, %d raw bytes, external %v; want an EXTERNAL stub", in.GetDataLocation(), len(in.GetRawData()), ext)
			}
		case "small":
			if in.GetDataLocation() != onnxpb.TensorProto_DEFAULT || len(in.GetRawData()) != graph.InlineLimit {
				t.Errorf("small: location %v, %d raw bytes; want inline", in.GetDataLocation(), len(in.GetRawData()))
			}
		}
	}
	raw, err := m.Marshal()
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	if limit := graph.InlineLimit + 4096; len(raw) > limit {
		t.Errorf("marshalled %d bytes, want at most %d: external data must not be serialized", len(raw), limit)
	}
}

func TestConstantsAreSharedUntilNamed(t *testing.T) {
	t.Parallel()
	b := graph.New("consts", 18)
	a1 := b.ConstInt64(nil, 0, 1)
	a2 := b.ConstInt64(nil, 0, 1)
	if a1 != a2 {
		t.Error("identical constants are not shared")
	}
	if b.ConstInt64([]int64{2, 1}, 0, 1) == a1 {
		t.Error("constants of different dims are shared")
	}
	b.Named(a1, "axes")
	if a3 := b.ConstInt64(nil, 0, 1); a3 == a1 {
		t.Error("a renamed constant is still shared")
	}
	s1, s2 := b.Scalar(graph.Float32, 0.5), b.Scalar(graph.Float64, 0.5)
	if s1 == s2 || s1.Rank() != 0 || s1.DType() != graph.Float32 {
		t.Errorf("scalars: shared %v, rank %d, dtype %v", s1 == s2, s1.Rank(), s1.DType())
	}
}
