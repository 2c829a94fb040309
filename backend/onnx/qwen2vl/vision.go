package qwen2vl

import (
	"fmt"
	"slices"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/hf/checkpoint"
)

// visionNormEps is the eps of every norm in both vision towers (hard-coded
// in transformers, not in config.json).
const visionNormEps = 1e-6

// Names of the vision graph's inputs and output.
const (
	inPixels  = "pixels"
	inCos     = "cos"
	inSin     = "sin"
	inWindow  = "window"
	outEmbeds = "image_embeds"
)

// patchEmbed is the patch embedding's kernel, relative to the tower's
// prefix; its presence says a checkpoint carries the tower.
const patchEmbed = "patch_embed.proj.weight"

// tower is the Qwen2-VL or Qwen2.5-VL vision tower.
type tower struct {
	// windowed: Qwen2.5-VL (RMSNorm, gated MLP, window attention); else
	// Qwen2-VL (LayerNorm, dense MLP, full attention).
	windowed                        bool
	depth, hidden, inter, heads     int64
	patch, temporal, merge, inChans int64
	outHidden                       int64
	act                             blocks.Activation
	// windowSide is the side of an attention window in merged tokens
	// (window_size / spatial_merge_size / patch_size); fullAtt are the
	// blocks that attend over the whole image instead (Qwen2.5-VL).
	windowSide int
	fullAtt    []int
	prefix     string
}

var _ decoder.VisionTower = (*tower)(nil)

// newTower reads the tower's shape from vision_config; prefix is where its
// tensors live ("visual." or "model.visual.").
func newTower(cfg *checkpoint.Config, prefix string) (*tower, error) {
	vc := cfg.Vision
	act, err := blocks.ParseActivation(vc.HiddenAct)
	if err != nil {
		return nil, fmt.Errorf("vision_config.hidden_act: %w: %w", err, decoder.ErrUnsupported)
	}
	v := &tower{
		windowed: cfg.Family == checkpoint.Qwen25VL,
		depth:    int64(vc.Depth), hidden: int64(vc.HiddenSize), inter: int64(vc.IntermediateSize),
		heads: int64(vc.NumHeads), patch: int64(vc.PatchSize), temporal: int64(vc.TemporalPatchSize),
		merge: int64(vc.SpatialMergeSize), inChans: int64(vc.InChannels), outHidden: int64(vc.OutHiddenSize),
		act: act, prefix: prefix,
	}
	if v.heads < 1 || v.hidden%v.heads != 0 || (v.hidden/v.heads)%4 != 0 {
		return nil, fmt.Errorf("vision_config: hidden size %d over %d heads: each head's width must be a multiple of 4 (2-D rotary halves): %w",
			v.hidden, v.heads, decoder.ErrUnsupported)
	}
	if v.windowed {
		v.windowSide = vc.WindowSize / vc.SpatialMergeSize / vc.PatchSize
		if v.windowSide < 1 {
			return nil, fmt.Errorf("vision_config.window_size %d is less than one merged patch (%d pixels): %w",
				vc.WindowSize, vc.SpatialMergeSize*vc.PatchSize, decoder.ErrUnsupported)
		}
		v.fullAtt = slices.Clone(vc.FullAttBlockIndexes)
	}
	return v, nil
}

func (v *tower) headDim() int64   { return v.hidden / v.heads }
func (v *tower) patchDim() int64  { return v.inChans * v.temporal * v.patch * v.patch }
func (v *tower) mergeUnit() int64 { return v.merge * v.merge }

// windowedBlock says whether block i attends within windows.
func (v *tower) windowedBlock(i int) bool {
	return v.windowed && !slices.Contains(v.fullAtt, i)
}

// anyWindowed says whether some block attends within windows (the graph
// then takes the window ids).
func (v *tower) anyWindowed() bool {
	for i := range int(v.depth) {
		if v.windowedBlock(i) {
			return true
		}
	}
	return false
}

// Graphs builds the tower for one image of p patches (symbolic).
//
// Inputs: pixels [p, C·T·patch·patch] (the processor's flattened
// patches), cos and sin [p, headDim] (2-D rotary tables) and, when some
// block attends within windows, window [p] (int64: each patch's window,
// SegmentIDs over the window sizes). Qwen2.5-VL's patches come in window
// order (Encode permutes them). Output: image_embeds [p/unit, outHidden],
// in the order of the input patches.
func (v *tower) Graphs(ws *weights.Store, opts blocks.Options) ([]*graph.Model, error) {
	g := blocks.NewWith("vision", ws.DType(), opts)
	b := g.B
	w := weights.NewDeclarer(ws, b, v.prefix)
	hd := v.headDim()
	pixels := b.Input(inPixels, g.DT, "p", v.patchDim())
	cos := b.Input(inCos, g.DT, "p", hd)
	sin := b.Input(inSin, g.DT, "p", hd)
	var windows blocks.Mask // each patch's window: attention within it, a block of queries at a time
	if v.anyWindowed() {
		windows.Segments = b.Input(inWindow, graph.Int64, "p")
	}

	// Conv3d with stride = kernel over each flattened patch is a Gemm with
	// the kernel read as a [hidden, C·T·p·p] matrix; it has no bias.
	kernel := w.As(patchEmbed, []int64{v.hidden, v.inChans, v.temporal, v.patch, v.patch}, v.hidden, v.patchDim())
	x := g.Linear(pixels, kernel, nil)

	c := b.Unsqueeze(cos, 1) // [p, 1, hd], broadcast over heads
	s := b.Unsqueeze(sin, 1)
	for i := range int(v.depth) {
		bw := w.Sub(fmt.Sprintf("blocks.%d.", i))
		block := blocks.ViTBlock{
			Hidden: v.hidden, Heads: v.heads,
			Norm1: v.norm(bw, "norm1", v.hidden), Norm2: v.norm(bw, "norm2", v.hidden),
			QKV: bw.Get("attn.qkv.weight", 3*v.hidden, v.hidden), QKVBias: bw.Get("attn.qkv.bias", 3*v.hidden),
			Proj: bw.Get("attn.proj.weight", v.hidden, v.hidden), ProjBias: bw.Get("attn.proj.bias", v.hidden),
			MLP: v.mlp(bw.Sub("mlp.")),
		}
		var mask blocks.Mask
		if v.windowedBlock(i) {
			mask = windows
		}
		x = block.Apply(g, x, c, s, mask)
	}
	b.Output(v.merger(w.Sub("merger.")).Apply(g, x), outEmbeds)
	if err := w.Err(); err != nil {
		return nil, err
	}
	m, err := b.Build()
	if err != nil {
		return nil, err
	}
	return []*graph.Model{m}, nil
}

// norm is a block or merger norm: LayerNorm with a bias (Qwen2-VL) or
// RMSNorm (Qwen2.5-VL).
func (v *tower) norm(w *weights.Declarer, name string, width int64) blocks.Norm {
	if v.windowed {
		return blocks.Norm{Kind: blocks.RMSNorm, Weight: w.Get(name+".weight", width), Eps: visionNormEps}
	}
	return blocks.Norm{Kind: blocks.LayerNorm, Weight: w.Get(name+".weight", width), Bias: w.Get(name+".bias", width), Eps: visionNormEps}
}

// mlp is a block's MLP: fc2(act(fc1(x))) (Qwen2-VL) or the gated
// down(act(gate(x))·up(x)) with biases (Qwen2.5-VL).
func (v *tower) mlp(w *weights.Declarer) blocks.MLP {
	if v.windowed {
		return blocks.GatedMLP{
			Act:  v.act,
			Gate: w.Get("gate_proj.weight", v.inter, v.hidden), GateBias: w.Get("gate_proj.bias", v.inter),
			Up: w.Get("up_proj.weight", v.inter, v.hidden), UpBias: w.Get("up_proj.bias", v.inter),
			Down: w.Get("down_proj.weight", v.hidden, v.inter), DownBias: w.Get("down_proj.bias", v.hidden),
		}
	}
	return blocks.DenseMLP{
		Act: v.act,
		FC1: w.Get("fc1.weight", v.inter, v.hidden), FC1Bias: w.Get("fc1.bias", v.inter),
		FC2: w.Get("fc2.weight", v.hidden, v.inter), FC2Bias: w.Get("fc2.bias", v.hidden),
	}
}

// merger is the patch merger: ln_q on each patch, then
// Linear-GELU(exact)-Linear over each window of unit patches.
func (v *tower) merger(w *weights.Declarer) blocks.PatchMerger {
	wide := v.hidden * v.mergeUnit()
	return blocks.PatchMerger{
		Hidden: v.hidden, Unit: v.mergeUnit(),
		Norm: v.norm(w, "ln_q", v.hidden),
		MLP: blocks.DenseMLP{
			Act: blocks.GELU,
			FC1: w.Get("mlp.0.weight", wide, wide), FC1Bias: w.Get("mlp.0.bias", wide),
			FC2: w.Get("mlp.2.weight", v.outHidden, wide), FC2Bias: w.Get("mlp.2.bias", v.outHidden),
		},
	}
}
