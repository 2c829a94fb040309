package graph

// Element-type and rank inference for node outputs. It only has to be
// right, not complete: a graph output whose type or rank is unknown is
// declared without it and ONNX Runtime infers it. Unknown ranks are -1,
// unknown types Undefined.

// sameAsFirst are ops whose single output has the first input's type and
// rank.
var sameAsFirst = map[string]bool{
	"Identity": true, "Neg": true, "Abs": true, "Sqrt": true, "Reciprocal": true, "Exp": true,
	"Log": true, "Tanh": true, "Sigmoid": true, "Erf": true, "Cos": true, "Sin": true, "Relu": true,
	"Floor": true, "Ceil": true, "Round": true, "Sign": true, "Softmax": true, "LogSoftmax": true,
	"Transpose": true, "Slice": true, "Concat": true, "LayerNormalization": true, "Tile": true,
	"Pad": true, "Trilu": true, "CumSum": true, "Gelu": true, "HardSigmoid": true, "LeakyRelu": true,
	"Softplus": true, "Not": true, "Clip": true, "RMSNormalization": true,
}

// broadcasting are elementwise ops with numpy broadcasting whose output has
// the first input's type.
var broadcasting = map[string]bool{
	"Add": true, "Sub": true, "Mul": true, "Div": true, "Pow": true, "Max": true, "Min": true,
	"Mod": true, "Sum": true, "Mean": true, "PRelu": true,
}

// comparing are broadcasting ops with a bool output.
var comparing = map[string]bool{
	"Equal": true, "Less": true, "Greater": true, "LessOrEqual": true, "GreaterOrEqual": true,
	"And": true, "Or": true, "Xor": true,
}

// infer returns the element type and rank of each of nOut outputs.
func infer(op, domain string, in []*Value, attrs []Attr, nOut int) ([]DType, []int) {
	dtypes := make([]DType, nOut)
	ranks := make([]int, nOut)
	for i := range ranks {
		ranks[i] = -1
	}
	if domain != "" {
		return dtypes, ranks
	}
	first, firstRank := Undefined, -1
	if len(in) > 0 && in[0] != nil {
		first, firstRank = in[0].dtype, in[0].rank
	}
	dt, rank := Undefined, -1
	switch {
	case op == "LayerNormalization" && nOut > 1:
		// Mean and InvStdDev outputs have a stash type; only output 0 is known.
		dtypes[0], ranks[0] = first, firstRank
		return dtypes, ranks
	case sameAsFirst[op]:
		dt, rank = first, firstRank
	case broadcasting[op]:
		dt, rank = first, maxRank(in)
	case comparing[op]:
		dt, rank = Bool, maxRank(in)
	case op == "Where":
		dt, rank = typeAt(in, 1), maxRank(in)
	case op == "MatMul":
		dt, rank = first, matMulRank(in)
	case op == "Gemm":
		dt, rank = first, 2
	case op == "Cast":
		if to, ok := findInt(attrs, "to"); ok {
			dt = DType(to)
		}
		rank = firstRank
	case op == "CastLike":
		dt, rank = typeAt(in, 1), firstRank
	case op == "Shape":
		dt, rank = Int64, 1
	case op == "Size":
		dt, rank = Int64, 0
	case op == "Range":
		dt, rank = first, 1
	case op == "Reshape":
		dt, rank = first, constLen(in, 1)
	case op == "Expand":
		dt = first
		if n := constLen(in, 1); n >= 0 && firstRank >= 0 {
			rank = max(n, firstRank)
		}
	case op == "ConstantOfShape":
		dt = Float32
		if t, ok := findTensorType(attrs, "value"); ok {
			dt = t
		}
		rank = constLen(in, 0)
	case op == "Gather":
		dt = first
		if firstRank >= 0 && len(in) > 1 && in[1] != nil && in[1].rank >= 0 {
			rank = firstRank + in[1].rank - 1
		}
	case op == "Unsqueeze":
		dt = first
		if n := axesLen(in, attrs); n >= 0 && firstRank >= 0 {
			rank = firstRank + n
		}
	case op == "Squeeze":
		dt = first
		if n := axesLen(in, attrs); n >= 0 && firstRank >= 0 {
			rank = firstRank - n
		}
	case isReduce(op):
		dt, rank = first, reduceRank(in, attrs, firstRank)
	case op == "ArgMax" || op == "ArgMin":
		dt = Int64
		if keep, ok := findInt(attrs, "keepdims"); ok && keep == 0 {
			if firstRank > 0 {
				rank = firstRank - 1
			}
		} else {
			rank = firstRank
		}
	case op == "Split":
		for i := range dtypes {
			dtypes[i], ranks[i] = first, firstRank
		}
		return dtypes, ranks
	case op == "TopK":
		dtypes[0], ranks[0] = first, firstRank
		if nOut > 1 {
			dtypes[1], ranks[1] = Int64, firstRank
		}
		return dtypes, ranks
	}
	dtypes[0], ranks[0] = dt, rank
	return dtypes, ranks
}

func typeAt(in []*Value, i int) DType {
	if i < len(in) && in[i] != nil {
		return in[i].dtype
	}
	return Undefined
}

// maxRank is the broadcast rank of the inputs, or -1 if one is unknown.
func maxRank(in []*Value) int {
	r := 0
	for _, v := range in {
		if v == nil || v.rank < 0 {
			return -1
		}
		r = max(r, v.rank)
	}
	return r
}

// matMulRank follows numpy matmul: 1-D operands lose their dimension.
func matMulRank(in []*Value) int {
	if len(in) < 2 || in[0] == nil || in[1] == nil || in[0].rank < 1 || in[1].rank < 1 {
		return -1
	}
	a, b := in[0].rank, in[1].rank
	switch {
	case a == 1 && b == 1:
		return 0
	case a == 1:
		return b - 1
	case b == 1:
		return a - 1
	}
	return max(a, b)
}

// constLen is the number of elements of the 1-D int64 constant input i, or
// -1 when it is not such a constant.
func constLen(in []*Value, i int) int {
	if i < len(in) && in[i] != nil && in[i].ints != nil && in[i].rank == 1 {
		return len(in[i].ints)
	}
	return -1
}

// axesLen is the number of axes given as input 1 (opset 13+) or as the
// "axes" attribute, or -1 when unknown.
func axesLen(in []*Value, attrs []Attr) int {
	if axes, ok := findInts(attrs, "axes"); ok {
		return len(axes)
	}
	return constLen(in, 1)
}

func isReduce(op string) bool {
	switch op {
	case "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceSumSquare",
		"ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp":
		return true
	}
	return false
}

// reduceRank: keepdims (default 1) keeps the rank; otherwise the reduced
// axes go, all of them when none are given.
func reduceRank(in []*Value, attrs []Attr, rank int) int {
	if keep, ok := findInt(attrs, "keepdims"); !ok || keep != 0 {
		return rank
	}
	if axes, ok := findInts(attrs, "axes"); ok {
		if rank < 0 {
			return -1
		}
		return rank - len(axes)
	}
	if len(in) > 1 && in[1] != nil {
		n := constLen(in, 1)
		if n <= 0 || rank < 0 {
			return -1 // unknown axes, or empty ones (noop_with_empty_axes decides)
		}
		return rank - n
	}
	if noop, _ := findInt(attrs, "noop_with_empty_axes"); noop != 0 {
		return rank
	}
	return 0
}
