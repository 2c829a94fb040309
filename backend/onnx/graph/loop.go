package graph

import (
	"fmt"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/vlmask/vlmask/backend/onnx/onnxpb"
)

// LoopBody builds one iteration of a Loop: sub is the body's graph, iter
// the iteration number (an int64 scalar, 0 first) and carried the values
// the previous iteration handed on (the initial ones first). It returns
// the carried values for the next iteration (as many, of the same element
// types) and the iteration's scan outputs, which the Loop stacks along a
// new first axis; every iteration's scan output must have the same shape.
// Its nodes may use any value of the enclosing graphs made before Loop is
// called.
type LoopBody func(sub *Builder, iter *Value, carried []*Value) (next, scans []*Value)

// Loop adds an ONNX Loop node that runs body trip times (trip: an int64
// scalar computed in the graph). It returns the carried values after the
// last iteration and the stacked scan outputs ([trip, ...] each, nScans of
// them). Work done per iteration is freed before the next one, which is
// what bounds memory when a large computation is split into blocks.
func (b *Builder) Loop(trip *Value, carried []*Value, nScans int, body LoopBody) (final, stacked []*Value) {
	id := b.next()
	sub := &Builder{name: b.name + "/loop" + strconv.Itoa(id), opset: b.opset, imports: map[string]int{}, consts: map[string]*Value{}, parent: b}
	prefix := "loop" + strconv.Itoa(id) + "_"
	iter := sub.Input(prefix+"iter", Int64)
	cond := sub.Input(prefix+"cond", Bool)
	in := make([]*Value, len(carried))
	for i, c := range carried {
		if c == nil {
			b.fail("Loop: carried value %d: %w", i, ErrNilValue)
			continue
		}
		b.own(c, "Loop carried value "+strconv.Itoa(i))
		in[i] = &Value{b: sub, name: prefix + "carried" + strconv.Itoa(i), dtype: c.dtype, rank: c.rank}
		sub.inputs = append(sub.inputs, in[i])
	}
	next, scans := body(sub, iter, in)
	if len(next) != len(carried) || len(scans) != nScans {
		b.fail("Loop: %w: the body returned %d carried values and %d scan outputs, want %d and %d",
			ErrSubgraph, len(next), len(scans), len(carried), nScans)
	}
	sub.Output(cond, prefix+"cond_out")
	for i, v := range next {
		sub.Output(v, prefix+"next"+strconv.Itoa(i))
	}
	for i, v := range scans {
		sub.Output(v, prefix+"scan"+strconv.Itoa(i))
	}
	for _, err := range sub.check() {
		b.errs = append(b.errs, fmt.Errorf("Loop body: %w", err))
	}
	g := sub.graphProto(&Model{})
	attr := Attr{p: &onnxpb.AttributeProto{Name: proto.String("body"), Type: onnxpb.AttributeProto_GRAPH.Enum(), G: g}}

	inputs := append([]*Value{trip, nil}, carried...) // no condition: trip alone ends the loop
	outs := b.OpDomain("", "Loop", len(carried)+nScans, inputs, attr)
	for i, c := range carried {
		if c != nil {
			outs[i].dtype, outs[i].rank = c.dtype, c.rank
		}
	}
	for i := range nScans {
		o := outs[len(carried)+i]
		if i < len(scans) && scans[i] != nil {
			o.dtype = scans[i].dtype
			if scans[i].rank >= 0 {
				o.rank = scans[i].rank + 1
			}
		}
	}
	return outs[:len(carried)], outs[len(carried):]
}
