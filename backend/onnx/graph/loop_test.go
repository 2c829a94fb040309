package graph_test

import (
	"errors"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/onnxpb"
)

// TestLoop checks the Loop node a body is built into: its inputs, the body
// graph's inputs and outputs, that the body may read the enclosing graph's
// values, that its constants live in the main graph, that names stay unique
// across both graphs, and the inferred output types and ranks.
func TestLoop(t *testing.T) {
	t.Parallel()
	b := graph.New("loop", 18)
	x := b.Input("x", graph.Float32, "n", 4)
	trip := b.Squeeze(b.Slice(b.Shape(x), []int64{0}, []int64{1}, nil), 0)
	acc := b.Const(graph.Float32, []int64{4}, []float64{0, 0, 0, 0})
	final, stacked := b.Loop(trip, []*graph.Value{acc}, 1, func(sub *graph.Builder, iter *graph.Value, carried []*graph.Value) (next, scans []*graph.Value) {
		row := sub.Squeeze(sub.Gather(x, sub.Unsqueeze(iter, 0), 0), 0) // reads x from the main graph
		return []*graph.Value{sub.Add(carried[0], row)}, []*graph.Value{sub.Mul(row, sub.Scalar(graph.Float32, 2))}
	})
	if final[0].DType() != graph.Float32 || final[0].Rank() != 1 {
		t.Errorf("final carried value: %v rank %d, want float32 rank 1", final[0].DType(), final[0].Rank())
	}
	if stacked[0].DType() != graph.Float32 || stacked[0].Rank() != 2 {
		t.Errorf("stacked scan output: %v rank %d, want float32 rank 2", stacked[0].DType(), stacked[0].Rank())
	}
	b.Output(final[0], "sum")
	b.Output(stacked[0], "doubled")
	m := mustBuild(t, b)

	g := m.Proto.GetGraph()
	var loop *onnxpb.NodeProto
	for _, n := range g.GetNode() {
		if n.GetOpType() == "Loop" {
			loop = n
		}
	}
	if loop == nil {
		t.Fatal("no Loop node")
	}
	if in := loop.GetInput(); len(in) != 3 || in[1] != "" {
		t.Errorf("Loop inputs = %q, want trip count, no condition, one carried value", in)
	}
	body := loop.GetAttribute()[0].GetG()
	if len(body.GetInput()) != 3 || len(body.GetOutput()) != 3 {
		t.Errorf("body has %d inputs and %d outputs, want 3 and 3 (iteration, condition, carried; condition, carried, scan)", len(body.GetInput()), len(body.GetOutput()))
	}
	if len(body.GetInitializer()) != 0 {
		t.Errorf("body holds %d initializers; its constants belong to the main graph", len(body.GetInitializer()))
	}
	names := map[string]bool{}
	for _, gr := range []*onnxpb.GraphProto{g, body} {
		for _, n := range gr.GetNode() {
			for _, o := range n.GetOutput() {
				if names[o] {
					t.Errorf("value %q is defined twice across the graphs", o)
				}
				names[o] = true
			}
		}
	}
}

// TestLoopBodyErrors checks that a problem in a body is reported by the
// main graph's Build, and that the body must return what the node expects.
func TestLoopBodyErrors(t *testing.T) {
	t.Parallel()
	b := graph.New("loop", 18)
	trip := b.Const(graph.Int64, []int64{}, []float64{2})
	other := graph.New("other", 18).Input("y", graph.Float32, 1)
	b.Loop(trip, nil, 1, func(sub *graph.Builder, iter *graph.Value, _ []*graph.Value) (next, scans []*graph.Value) {
		return nil, []*graph.Value{sub.Identity(other)}
	})
	b.Output(trip, "trip")
	if _, err := b.Build(); !errors.Is(err, graph.ErrUndefinedInput) {
		t.Errorf("a body reading another builder's value: Build = %v, want ErrUndefinedInput", err)
	}

	b = graph.New("loop", 18)
	trip = b.Const(graph.Int64, []int64{}, []float64{2})
	b.Loop(trip, nil, 2, func(sub *graph.Builder, iter *graph.Value, _ []*graph.Value) (next, scans []*graph.Value) {
		return nil, []*graph.Value{sub.Identity(iter)}
	})
	b.Output(trip, "trip")
	if _, err := b.Build(); !errors.Is(err, graph.ErrSubgraph) {
		t.Errorf("a body returning one scan output of two: Build = %v, want ErrSubgraph", err)
	}
}
