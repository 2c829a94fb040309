package graph

import (
	"fmt"
	"strconv"
)

// MinOpset and MaxOpset bound the default-domain opsets New accepts
// (all of them load in ONNX Runtime 1.29 and 1.30 at IRVersion).
const (
	MinOpset = 17
	MaxOpset = 21
)

// IRVersion is the ONNX IR version of every model built here (the version
// of the onnx.proto onnxpb is generated from).
const IRVersion = 8

// Value is a named tensor in the graph: a graph input, a weight or
// constant, or a node output. Values belong to the Builder that made them.
type Value struct {
	b     *Builder
	name  string
	dtype DType
	rank  int     // -1 when unknown
	dims  []dim   // graph inputs: the declared dims
	ints  []int64 // int64 constants: their values (shape arguments)
	key   string  // cached constants: the cache key, "" once renamed
}

// dim is one declared input dimension: fixed or symbolic.
type dim struct {
	value int64
	param string
}

// Name is the value's name in the graph.
func (v *Value) Name() string { return v.name }

// DType is the value's element type, or Undefined when the builder could
// not infer it.
func (v *Value) DType() DType { return v.dtype }

// Rank is the value's number of dimensions, or -1 when the builder could
// not infer it.
func (v *Value) Rank() int { return v.rank }

// node is one operator node; inputs may hold nil for omitted optional
// inputs.
type node struct {
	name, opType, domain string
	inputs, outputs      []*Value
	attrs                []Attr
}

// graphOutput is a declared graph output.
type graphOutput struct {
	v    *Value
	name string
}

// Builder records a graph. It is not safe for concurrent use.
type Builder struct {
	name    string
	opset   int
	imports map[string]int // extra operator domains
	inputs  []*Value
	outputs []graphOutput
	inits   []initializer
	nodes   []*node
	consts  map[string]*Value
	counter int
	errs    []error
	// parent is the graph a subgraph (a Loop body) is nested in; nil for a
	// model's main graph. A subgraph's nodes may use its ancestors' values,
	// and its constants, weights, domains and names belong to the root.
	parent *Builder
}

// root is the model's main graph.
func (b *Builder) root() *Builder {
	for b.parent != nil {
		b = b.parent
	}
	return b
}

// next numbers a new node or constant: unique in the whole model, so no
// subgraph name shadows another graph's.
func (b *Builder) next() int {
	r := b.root()
	r.counter++
	return r.counter
}

// sees says whether a value of builder o may be used in b: o is b or one
// of the graphs b is nested in.
func (b *Builder) sees(o *Builder) bool {
	for ; b != nil; b = b.parent {
		if b == o {
			return true
		}
	}
	return false
}

// New starts a graph called name whose default ("") operator domain is at
// the given opset (MinOpset..MaxOpset; use 18 or later when ReduceMean or
// ReduceMax should take axes as inputs). An opset outside the range is
// reported by Build.
func New(name string, opset int) *Builder {
	b := &Builder{name: name, opset: opset, imports: map[string]int{}, consts: map[string]*Value{}}
	if opset < MinOpset || opset > MaxOpset {
		b.fail("%w: %d (supported: %d..%d)", ErrOpset, opset, MinOpset, MaxOpset)
	}
	return b
}

// Opset is the default domain's opset.
func (b *Builder) Opset() int { return b.opset }

// Import declares an extra operator domain (e.g. "com.microsoft") at
// version, for nodes made with OpDomain.
func (b *Builder) Import(domain string, version int) { b.root().imports[domain] = version }

// fail records a build error, prefixed with the graph's name.
func (b *Builder) fail(format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf("graph %q: "+format, append([]any{b.name}, args...)...))
}

// Fail records a build error that Build reports, for graph code that
// finds a problem while building.
func (b *Builder) Fail(format string, args ...any) { b.fail(format, args...) }

// own reports whether v can be used in this builder, recording an error
// naming where it was used when it cannot. nil is allowed (an omitted
// optional input).
func (b *Builder) own(v *Value, where string) bool {
	if v == nil || b.sees(v.b) {
		return true
	}
	b.fail("%s: %w: %q comes from another builder", where, ErrUndefinedInput, v.name)
	return false
}

// Input declares a graph input. Each dim is an integer (a fixed size) or a
// string (a symbolic dim_param, e.g. "seq"); anything else is reported by
// Build.
func (b *Builder) Input(name string, dt DType, dims ...any) *Value {
	v := &Value{b: b, name: name, dtype: dt, rank: len(dims), dims: make([]dim, len(dims))}
	if !dt.Valid() {
		b.fail("input %q: %w: %v", name, ErrUnsupportedDType, dt)
	}
	for i, d := range dims {
		n, isInt := asInt64(d)
		switch {
		case isInt && n >= 0:
			v.dims[i].value = n
		case isInt:
			b.fail("input %q: %w: dim %d is %d", name, ErrBadDim, i, n)
		default:
			s, ok := d.(string)
			if !ok || s == "" {
				b.fail("input %q: %w: dim %d is %#v (want an integer or a symbolic name)", name, ErrBadDim, i, d)
			}
			v.dims[i].param = s
		}
	}
	b.inputs = append(b.inputs, v)
	return v
}

// asInt64 converts any Go integer to int64.
func asInt64(d any) (int64, bool) {
	switch x := d.(type) {
	case int:
		return int64(x), true
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint:
		return int64(x), true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		return int64(x), true
	}
	return 0, false
}

// Output declares v as a graph output called name. When v has another
// name an Identity node is inserted, so v may also be used further or be
// output under several names. The output's element type and rank are
// declared when the builder inferred them.
func (b *Builder) Output(v *Value, name string) {
	if v == nil {
		b.fail("output %q: %w", name, ErrNilValue)
		return
	}
	if !b.own(v, "output "+strconv.Quote(name)) {
		return
	}
	if v.name != name {
		id := b.Op("Identity", []*Value{v})
		b.Named(id, name)
		v = id
	}
	b.outputs = append(b.outputs, graphOutput{v: v, name: name})
}

// Named renames v (everywhere it is used) and returns it. Names must be
// unique in the graph; Build reports duplicates.
func (b *Builder) Named(v *Value, name string) *Value {
	if v == nil {
		b.fail("name %q: %w", name, ErrNilValue)
		return v
	}
	if !b.own(v, "name "+strconv.Quote(name)) {
		return v
	}
	if v.key != "" {
		// A renamed constant is no longer shared with later identical ones.
		delete(b.consts, v.key)
		v.key = ""
	}
	v.name = name
	return v
}

// Op adds a single-output node of the default domain and returns its
// output. A nil input stands for an omitted optional input.
func (b *Builder) Op(opType string, inputs []*Value, attrs ...Attr) *Value {
	return b.OpDomain("", opType, 1, inputs, attrs...)[0]
}

// OpN adds a node of the default domain with nOut outputs.
func (b *Builder) OpN(opType string, nOut int, inputs []*Value, attrs ...Attr) []*Value {
	return b.OpDomain("", opType, nOut, inputs, attrs...)
}

// OpDomain adds a node of an operator domain declared with Import (or ""
// for the default domain) with nOut outputs.
func (b *Builder) OpDomain(domain, opType string, nOut int, inputs []*Value, attrs ...Attr) []*Value {
	n := &node{name: opType + "_" + strconv.Itoa(b.next()), opType: opType, domain: domain,
		inputs: append([]*Value(nil), inputs...), attrs: append([]Attr(nil), attrs...)}
	if nOut < 1 {
		b.fail("node %s: %d outputs requested", n.name, nOut)
		nOut = 1
	}
	if _, ok := b.root().imports[domain]; domain != "" && !ok {
		b.fail("node %s: operator domain %q was not imported", n.name, domain)
	}
	for i, in := range inputs {
		b.own(in, fmt.Sprintf("node %s input %d", n.name, i))
	}
	for _, a := range attrs {
		if a.err != nil {
			b.fail("node %s: %w", n.name, a.err)
		}
	}
	dtypes, ranks := infer(opType, domain, n.inputs, attrs, nOut)
	n.outputs = make([]*Value, nOut)
	for i := range n.outputs {
		name := n.name
		if i > 0 {
			name += "_" + strconv.Itoa(i)
		}
		n.outputs[i] = &Value{b: b, name: name, dtype: dtypes[i], rank: ranks[i]}
	}
	b.nodes = append(b.nodes, n)
	return n.outputs
}
