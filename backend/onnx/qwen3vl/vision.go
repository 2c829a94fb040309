package qwen3vl

import (
	"context"
	"fmt"
	"slices"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/checkpoint"
)

// visionProbeTensor is the tensor whose presence says a checkpoint carries
// its vision tower.
const visionProbeTensor = "model.visual.patch_embed.proj.weight"

// visionLayerNormEps is the eps of every LayerNorm in the Qwen3-VL vision
// tower (hard-coded in transformers, not in config.json).
const visionLayerNormEps = 1e-6

// tower is the Qwen3-VL vision tower.
type tower struct {
	depth, hidden, inter, heads     int64
	patch, temporal, merge, inChans int64
	outHidden, numPos               int64
	deepstack                       []int // vision blocks whose output feeds a DeepStack merger
	prefix                          string

	posTable []float32 // learned position embeddings [numPos, hidden], read by Graphs
}

var _ decoder.VisionTower = (*tower)(nil)

func newTower(vc *checkpoint.VisionConfig) *tower {
	return &tower{
		depth: int64(vc.Depth), hidden: int64(vc.HiddenSize), inter: int64(vc.IntermediateSize),
		heads: int64(vc.NumHeads), patch: int64(vc.PatchSize), temporal: int64(vc.TemporalPatchSize),
		merge: int64(vc.SpatialMergeSize), inChans: int64(vc.InChannels), outHidden: int64(vc.OutHiddenSize),
		numPos: int64(vc.NumPositionEmbeddings), deepstack: vc.DeepstackVisualIndexes,
		prefix: "model.visual.",
	}
}

func (v *tower) headDim() int64   { return v.hidden / v.heads }
func (v *tower) patchDim() int64  { return v.inChans * v.temporal * v.patch * v.patch }
func (v *tower) mergeUnit() int64 { return v.merge * v.merge }

// Graphs builds the tower for one image of p patches (symbolic).
//
// Inputs: pixels [p, C·T·patch·patch] (the processor's flattened patches),
// pos [p, hidden] (interpolated position embeddings), cos and sin [p,
// headDim] (2-D rotary tables). Outputs: image_embeds [p/4, outHidden] (the
// patch merger) and deepstack_{i} [p/4, outHidden] for each DeepStack
// merger, in order.
func (v *tower) Graphs(ws *weights.Store, opts blocks.Options) ([]*graph.Model, error) {
	var err error
	if v.posTable, err = ws.Float32s(v.prefix+"pos_embed.weight", v.numPos, v.hidden); err != nil {
		return nil, err
	}
	g := blocks.NewWith("vision", ws.DType(), opts)
	b := g.B
	w := weights.NewDeclarer(ws, b, v.prefix)
	hd := v.headDim()
	pixels := b.Input("pixels", g.DT, "p", v.patchDim())
	pos := b.Input("pos", g.DT, "p", v.hidden)
	cos := b.Input("cos", g.DT, "p", hd)
	sin := b.Input("sin", g.DT, "p", hd)

	// Conv3d with stride = kernel over each flattened patch is a Gemm with
	// the kernel read as a [hidden, C·T·p·p] matrix.
	kernel := w.As("patch_embed.proj.weight", []int64{v.hidden, v.inChans, v.temporal, v.patch, v.patch}, v.hidden, v.patchDim())
	x := b.Add(g.Linear(pixels, kernel, w.Get("patch_embed.proj.bias", v.hidden)), pos)

	c := b.Unsqueeze(cos, 1) // [p, 1, hd], broadcast over heads
	s := b.Unsqueeze(sin, 1)
	layerNorm := func(w *weights.Declarer, name string, width int64) blocks.Norm {
		return blocks.Norm{Kind: blocks.LayerNorm, Weight: w.Get(name+".weight", width), Bias: w.Get(name+".bias", width), Eps: visionLayerNormEps}
	}
	deepstack := 0
	for i := int64(0); i < v.depth; i++ {
		bw := w.Sub(fmt.Sprintf("blocks.%d.", i))
		block := blocks.ViTBlock{
			Hidden: v.hidden, Heads: v.heads,
			Norm1: layerNorm(bw, "norm1", v.hidden), Norm2: layerNorm(bw, "norm2", v.hidden),
			QKV: bw.Get("attn.qkv.weight", 3*v.hidden, v.hidden), QKVBias: bw.Get("attn.qkv.bias", 3*v.hidden),
			Proj: bw.Get("attn.proj.weight", v.hidden, v.hidden), ProjBias: bw.Get("attn.proj.bias", v.hidden),
			MLP: blocks.DenseMLP{
				Act: blocks.GELUTanh,
				FC1: bw.Get("mlp.linear_fc1.weight", v.inter, v.hidden), FC1Bias: bw.Get("mlp.linear_fc1.bias", v.inter),
				FC2: bw.Get("mlp.linear_fc2.weight", v.hidden, v.inter), FC2Bias: bw.Get("mlp.linear_fc2.bias", v.hidden),
			},
		}
		x = block.Apply(g, x, c, s, blocks.Mask{})
		if slices.Contains(v.deepstack, int(i)) {
			m := v.merger(w.Sub(fmt.Sprintf("deepstack_merger_list.%d.", deepstack)), true)
			b.Output(m.Apply(g, x), fmt.Sprintf("deepstack_%d", deepstack))
			deepstack++
		}
	}
	b.Output(v.merger(w.Sub("merger."), false).Apply(g, x), "image_embeds")
	if err := w.Err(); err != nil {
		return nil, err
	}
	m, err := b.Build()
	if err != nil {
		return nil, err
	}
	return []*graph.Model{m}, nil
}

// merger is Qwen3-VL's patch merger with an exact-GELU MLP. The main
// merger normalizes each patch before concatenating; the DeepStack mergers
// normalize the concatenation ("post-shuffle").
func (v *tower) merger(w *weights.Declarer, postShuffle bool) blocks.PatchMerger {
	wide := v.hidden * v.mergeUnit()
	normWidth := v.hidden
	if postShuffle {
		normWidth = wide
	}
	return blocks.PatchMerger{
		Hidden: v.hidden, Unit: v.mergeUnit(), PostShuffle: postShuffle,
		Norm: blocks.Norm{Kind: blocks.LayerNorm, Weight: w.Get("norm.weight", normWidth), Bias: w.Get("norm.bias", normWidth), Eps: visionLayerNormEps},
		MLP: blocks.DenseMLP{
			Act: blocks.GELU,
			FC1: w.Get("linear_fc1.weight", wide, wide), FC1Bias: w.Get("linear_fc1.bias", wide),
			FC2: w.Get("linear_fc2.weight", v.outHidden, wide), FC2Bias: w.Get("linear_fc2.bias", v.outHidden),
		},
	}
}

// Encode runs the tower on one preprocessed image: the merged embeddings,
// and the DeepStack features added after decoder layers 0, 1, ...
func (v *tower) Encode(ctx context.Context, rt *ort.Runtime, sessions []*ort.Session, im core.Image) (*decoder.ImageFeatures, error) {
	if im.GridT != 1 {
		return nil, fmt.Errorf("image with %d temporal patches (video): %w", im.GridT, decoder.ErrUnsupported)
	}
	if int64(im.PatchDim) != v.patchDim() || len(im.PixelValues) != im.Patches()*im.PatchDim {
		return nil, fmt.Errorf("pixel values [%d×%d] do not match the vision tower's patch size %d", im.Patches(), im.PatchDim, v.patchDim())
	}
	if im.GridH%int(v.merge) != 0 || im.GridW%int(v.merge) != 0 {
		return nil, fmt.Errorf("image grid %d×%d is not a multiple of the merge size %d", im.GridH, im.GridW, v.merge)
	}
	p := int64(im.Patches())
	side := 0
	for side*side < int(v.numPos) {
		side++
	}
	pos := interpolatePosEmbed(v.posTable, side, int(v.hidden), im.GridT, im.GridH, im.GridW, int(v.merge))
	cos, sin := blocks.VisionRope2D(int(v.headDim()), im.GridT, im.GridH, im.GridW, int(v.merge))

	var in decoder.Inputs
	defer in.Close()
	pixels, err := in.Add32(rt, graph.Float32, []int64{p, v.patchDim()}, im.PixelValues)
	if err != nil {
		return nil, err
	}
	posV, err := in.Add32(rt, graph.Float32, []int64{p, v.hidden}, pos)
	if err != nil {
		return nil, err
	}
	cosV, err := in.Add32(rt, graph.Float32, []int64{p, v.headDim()}, cos)
	if err != nil {
		return nil, err
	}
	sinV, err := in.Add32(rt, graph.Float32, []int64{p, v.headDim()}, sin)
	if err != nil {
		return nil, err
	}
	names := []string{"image_embeds"}
	for i := range v.deepstack {
		names = append(names, fmt.Sprintf("deepstack_%d", i))
	}
	outs, err := sessions[0].Run([]ort.Named{{Name: "pixels", Value: pixels}, {Name: "pos", Value: posV}, {Name: "cos", Value: cosV}, {Name: "sin", Value: sinV}}, names)
	if err != nil {
		return nil, fmt.Errorf("vision tower: %w", err)
	}
	defer decoder.CloseAll(outs)
	f := &decoder.ImageFeatures{Tokens: int(p / v.mergeUnit())}
	if f.Embeds, err = decoder.Float64s(outs[0]); err != nil {
		return nil, err
	}
	for _, o := range outs[1:] {
		ds, err := decoder.Float64s(o)
		if err != nil {
			return nil, err
		}
		f.LayerAdds = append(f.LayerAdds, ds)
	}
	return f, nil
}
