package graph_test

import (
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

func TestInferredTypeAndRank(t *testing.T) {
	t.Parallel()
	type result struct {
		dt   graph.DType
		rank int
	}
	cases := map[string]struct {
		opset int
		make  func(b *graph.Builder, x, idx *graph.Value) *graph.Value
		want  result
	}{
		"matmul 3-D by 2-D": {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value {
			return b.MatMul(x, b.Const(graph.Float32, []int64{5, 2}, make([]float64, 10)))
		}, result{graph.Float32, 3}},
		"matmul by a vector": {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value {
			return b.MatMul(x, b.Const(graph.Float32, []int64{5}, make([]float64, 5)))
		}, result{graph.Float32, 2}},
		"broadcast add": {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value {
			return b.Add(b.Scalar(graph.Float32, 1), x)
		}, result{graph.Float32, 3}},
		"comparison": {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value {
			return b.Op("Less", []*graph.Value{x, b.Scalar(graph.Float32, 0)})
		}, result{graph.Bool, 3}},
		"where": {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value {
			c := b.Op("Less", []*graph.Value{x, b.Scalar(graph.Float32, 0)})
			return b.Where(c, b.Scalar(graph.Float64, 0), b.Scalar(graph.Float64, 1))
		}, result{graph.Float64, 3}},
		"cast":    {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value { return b.Cast(x, graph.Float16) }, result{graph.Float16, 3}},
		"shape":   {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value { return b.Shape(x) }, result{graph.Int64, 1}},
		"reshape": {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value { return b.Reshape(x, 0, -1) }, result{graph.Float32, 2}},
		"reshape by a computed shape": {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value {
			return b.Op("Reshape", []*graph.Value{x, b.Shape(x)})
		}, result{graph.Float32, -1}},
		"gather":       {18, func(b *graph.Builder, x, idx *graph.Value) *graph.Value { return b.Gather(x, idx, 1) }, result{graph.Float32, 4}},
		"unsqueeze":    {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value { return b.Unsqueeze(x, 0, 4) }, result{graph.Float32, 5}},
		"squeeze axes": {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value { return b.Squeeze(x, 0) }, result{graph.Float32, 2}},
		"squeeze all":  {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value { return b.Squeeze(x) }, result{graph.Float32, -1}},
		"reduce keepdims": {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value {
			return b.ReduceMean(x, []int64{-1}, true)
		}, result{graph.Float32, 3}},
		"reduce drop axes, opset 17 attribute": {17, func(b *graph.Builder, x, _ *graph.Value) *graph.Value {
			return b.ReduceMax(x, []int64{0, 2}, false)
		}, result{graph.Float32, 1}},
		"reduce all": {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value { return b.ReduceSum(x, nil, false) }, result{graph.Float32, 0}},
		"concat":     {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value { return b.Concat(1, x, x) }, result{graph.Float32, 3}},
		"expand": {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value {
			return b.Expand(x, b.ConstInt64(nil, 2, 1, 1, 1))
		}, result{graph.Float32, 4}},
		"unknown op": {18, func(b *graph.Builder, x, _ *graph.Value) *graph.Value { return b.Op("NonZero", []*graph.Value{x}) }, result{graph.Undefined, -1}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := graph.New("infer", c.opset)
			x := b.Input("x", graph.Float32, "a", 4, 5)
			idx := b.Input("idx", graph.Int64, 2, 2)
			got := c.make(b, x, idx)
			if got.DType() != c.want.dt || got.Rank() != c.want.rank {
				t.Errorf("dtype %v rank %d, want %v rank %d", got.DType(), got.Rank(), c.want.dt, c.want.rank)
			}
			b.Output(got, "y")
			m := mustBuild(t, b)
			out := m.Proto.GetGraph().GetOutput()[0]
			tt := out.GetType().GetTensorType()
			if graph.DType(tt.GetElemType()) != c.want.dt {
				t.Errorf("declared elem type %d, want %v", tt.GetElemType(), c.want.dt)
			}
			if (tt.GetShape() != nil) != (c.want.rank >= 0) || len(tt.GetShape().GetDim()) != max(c.want.rank, 0) {
				t.Errorf("declared shape %v, want rank %d", tt.GetShape(), c.want.rank)
			}
		})
	}
}

func TestSplitOutputs(t *testing.T) {
	t.Parallel()
	b := graph.New("split", 18)
	x := b.Input("x", graph.Float32, 3, 8)
	parts := b.Split(x, -1, 2, 6)
	if len(parts) != 2 || parts[0].Name() == parts[1].Name() || parts[1].Rank() != 2 {
		t.Fatalf("Split gave %d parts", len(parts))
	}
	b.Output(parts[0], "a")
	b.Output(parts[1], "b")
	m := mustBuild(t, b)
	n := m.Proto.GetGraph().GetNode()[0]
	if n.GetOpType() != "Split" || len(n.GetOutput()) != 2 || len(n.GetInput()) != 2 {
		t.Errorf("split node %v", n)
	}
}

func TestOpDomainNeedsImport(t *testing.T) {
	t.Parallel()
	b := graph.New("domain", 18)
	x := b.Input("x", graph.Float32, 2)
	b.Output(b.OpDomain("com.microsoft", "FastGelu", 1, []*graph.Value{x})[0], "y")
	if _, err := b.Build(); err == nil {
		t.Fatal("Build accepted an operator from a domain that was not imported")
	}
	b2 := graph.New("domain", 18)
	b2.Import("com.microsoft", 1)
	x2 := b2.Input("x", graph.Float32, 2)
	b2.Output(b2.OpDomain("com.microsoft", "FastGelu", 1, []*graph.Value{x2, nil})[0], "y")
	m := mustBuild(t, b2)
	if imp := m.Proto.GetOpsetImport(); len(imp) != 2 || imp[1].GetDomain() != "com.microsoft" {
		t.Errorf("opset imports %v", imp)
	}
	if in := m.Proto.GetGraph().GetNode()[0].GetInput(); len(in) != 2 || in[1] != "" {
		t.Errorf("omitted optional input: inputs %q, want [x \"\"]", in)
	}
}
