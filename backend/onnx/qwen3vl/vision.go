package qwen3vl

import (
	"fmt"
	"math"
	"slices"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// visionDims are the vision tower's shapes, from config.json.
type visionDims struct {
	depth, hidden, inter, heads     int64
	patch, temporal, merge, inChans int64
	outHidden, numPos               int64
	deepstack                       []int // vision blocks whose output feeds a DeepStack merger
	prefix                          string
}

func (v visionDims) headDim() int64   { return v.hidden / v.heads }
func (v visionDims) patchDim() int64  { return v.inChans * v.temporal * v.patch * v.patch }
func (v visionDims) mergeUnit() int64 { return v.merge * v.merge }

// visionProbeTensor is the tensor whose presence says a checkpoint carries
// its vision tower.
const visionProbeTensor = "model.visual.patch_embed.proj.weight"

// visionLayerNormEps is the eps of every LayerNorm in the Qwen3-VL vision
// tower (hard-coded in transformers, not in config.json).
const visionLayerNormEps = 1e-6

// buildVision builds the vision tower for one image of p patches (symbolic).
//
// Inputs: pixels [p, C·T·patch·patch] (the processor's flattened patches),
// pos [p, hidden] (interpolated position embeddings), cos and sin [p,
// headDim] (2-D rotary tables). Outputs: image_embeds [p/4, outHidden] (the
// patch merger) and deepstack_{i} [p/4, outHidden] for each DeepStack
// merger, in order.
func buildVision(ws *weightStore, v visionDims) (*graph.Model, error) {
	b := graph.New("vision", opset)
	m := nn{b: b, dt: ws.dt}
	w := &declarer{ws: ws, b: b, prefix: v.prefix}
	hd := v.headDim()
	pixels := b.Input("pixels", m.dt, "p", v.patchDim())
	pos := b.Input("pos", m.dt, "p", v.hidden)
	cos := b.Input("cos", m.dt, "p", hd)
	sin := b.Input("sin", m.dt, "p", hd)

	// Conv3d with stride = kernel over each flattened patch is a Gemm with
	// the kernel read as a [hidden, C·T·p·p] matrix.
	kernel := w.as("patch_embed.proj.weight", []int64{v.hidden, v.inChans, v.temporal, v.patch, v.patch}, v.hidden, v.patchDim())
	x := b.Add(m.linear(pixels, kernel, w.get("patch_embed.proj.bias", v.hidden)), pos)

	c := b.Unsqueeze(cos, 1) // [p, 1, hd], broadcast over heads
	s := b.Unsqueeze(sin, 1)
	scale := m.scalar(1 / math.Sqrt(float64(hd)))
	deepstack := 0
	for i := int64(0); i < v.depth; i++ {
		p := fmt.Sprintf("blocks.%d.", i)
		h := m.layerNorm(x, w.get(p+"norm1.weight", v.hidden), w.get(p+"norm1.bias", v.hidden), visionLayerNormEps)
		qkv := m.linear(h, w.get(p+"attn.qkv.weight", 3*v.hidden, v.hidden), w.get(p+"attn.qkv.bias", 3*v.hidden))
		parts := b.Split(b.Reshape(qkv, 0, 3, v.heads, hd), 1, 1, 1, 1) // each [p, 1, heads, hd]
		q := m.rope(b.Squeeze(parts[0], 1), c, s, hd)
		k := m.rope(b.Squeeze(parts[1], 1), c, s, hd)
		val := b.Squeeze(parts[2], 1)
		q = b.Transpose(q, 1, 0, 2) // [heads, p, hd]
		k = b.Transpose(k, 1, 2, 0) // [heads, hd, p]
		val = b.Transpose(val, 1, 0, 2)
		probs := b.Softmax(b.Mul(b.MatMul(q, k), scale), -1)
		ctx := b.Reshape(b.Transpose(b.MatMul(probs, val), 1, 0, 2), 0, v.hidden) // [p, hidden]
		x = b.Add(x, m.linear(ctx, w.get(p+"attn.proj.weight", v.hidden, v.hidden), w.get(p+"attn.proj.bias", v.hidden)))

		h = m.layerNorm(x, w.get(p+"norm2.weight", v.hidden), w.get(p+"norm2.bias", v.hidden), visionLayerNormEps)
		h = m.geluTanh(m.linear(h, w.get(p+"mlp.linear_fc1.weight", v.inter, v.hidden), w.get(p+"mlp.linear_fc1.bias", v.inter)))
		x = b.Add(x, m.linear(h, w.get(p+"mlp.linear_fc2.weight", v.hidden, v.inter), w.get(p+"mlp.linear_fc2.bias", v.hidden)))

		if slices.Contains(v.deepstack, int(i)) {
			name := fmt.Sprintf("deepstack_merger_list.%d.", deepstack)
			b.Output(merger(m, v, w, name, x, true), fmt.Sprintf("deepstack_%d", deepstack))
			deepstack++
		}
	}
	b.Output(merger(m, v, w, "merger.", x, false), "image_embeds")
	if w.err != nil {
		return nil, w.err
	}
	return b.Build()
}

// merger is Qwen3-VL's patch merger: each window of merge×merge patches (4
// consecutive rows of x) is concatenated and sent through an MLP with exact
// GELU. The main merger normalizes each patch before concatenating; the
// DeepStack mergers normalize the concatenation ("post-shuffle").
func merger(m nn, v visionDims, w *declarer, p string, x *graph.Value, postShuffle bool) *graph.Value {
	b := m.b
	wide := v.hidden * v.mergeUnit()
	if postShuffle {
		x = b.Reshape(x, -1, wide)
		x = m.layerNorm(x, w.get(p+"norm.weight", wide), w.get(p+"norm.bias", wide), visionLayerNormEps)
	} else {
		x = m.layerNorm(x, w.get(p+"norm.weight", v.hidden), w.get(p+"norm.bias", v.hidden), visionLayerNormEps)
		x = b.Reshape(x, -1, wide)
	}
	h := m.gelu(m.linear(x, w.get(p+"linear_fc1.weight", wide, wide), w.get(p+"linear_fc1.bias", wide)))
	return m.linear(h, w.get(p+"linear_fc2.weight", v.outHidden, wide), w.get(p+"linear_fc2.bias", v.outHidden))
}
