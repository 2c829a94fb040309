package llava

import (
	"context"
	"fmt"
	"slices"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/vittower"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/checkpoint"
)

// tower is LLaVA's vision side: the CLIP tower and the projector.
type tower struct {
	vit vittower.Tower
	// layers are the hidden_states indexes vision_feature_layer names,
	// counted from the front (0: the embeddings, i: layer i−1's output).
	layers []int
	// keepCLS: the "full" feature strategy keeps the class token row.
	keepCLS bool
	// projAct is projector_hidden_act; projBias says whether linear_1 and
	// linear_2 have biases (multimodal_projector_bias).
	projAct   blocks.Activation
	projBias  bool
	outHidden int64
	projector string
}

var _ decoder.VisionTower = (*tower)(nil)

// newTower reads the CLIP tower and the projector from the config.
func newTower(cfg *checkpoint.Config, names vittower.Names) (*tower, error) {
	vit, err := vittower.New(cfg.Vision, names.Vision)
	if err != nil {
		return nil, err
	}
	if vit.Kind != vittower.CLIP {
		return nil, fmt.Errorf("vision_config.model_type %q: LLaVA runs a CLIP tower: %w", cfg.Vision.ModelType, decoder.ErrUnsupported)
	}
	pr := cfg.Projector
	act, err := blocks.ParseActivation(pr.HiddenAct)
	if err != nil {
		return nil, fmt.Errorf("projector_hidden_act: %w: %w", err, decoder.ErrUnsupported)
	}
	v := &tower{vit: vit, keepCLS: pr.FeatureSelectStrategy == "full", projAct: act, projBias: pr.Bias,
		outHidden: int64(cfg.Text.HiddenSize), projector: names.Projector}
	depth := int(vit.Depth)
	for _, l := range pr.FeatureLayers {
		if l < 0 {
			l += depth + 1
		}
		if l < 0 || l > depth {
			return nil, fmt.Errorf("vision_feature_layer %d is not a hidden state of a %d-layer tower: %w", l, depth, decoder.ErrUnsupported)
		}
		v.layers = append(v.layers, l)
	}
	if len(v.layers) == 0 {
		return nil, fmt.Errorf("vision_feature_layer: no layer: %w", decoder.ErrUnsupported)
	}
	return v, nil
}

// tokens is the number of image tokens of one image.
func (v *tower) tokens() int64 {
	if v.keepCLS {
		return v.vit.Positions()
	}
	return v.vit.Patches()
}

// featureWidth is the projector's input width: the tower's width per
// selected layer.
func (v *tower) featureWidth() int64 { return v.vit.Hidden * int64(len(v.layers)) }

// Graphs builds the tower and the projector for one image.
//
// Input: pixels [patches, 3·patch²] (vittower.PixelRows). Outputs:
// features [tokens, hidden·layers] (the selected hidden states, the class
// token dropped unless the strategy is "full", concatenated along the
// width) and image_embeds [tokens, text hidden].
func (v *tower) Graphs(ws *weights.Store) ([]*graph.Model, error) {
	g := blocks.New("vision", ws.DType())
	b := g.B
	w := weights.NewDeclarer(ws, b, "")
	pixels := b.Input(vittower.InPixels, g.DT, v.vit.Patches(), v.vit.PatchDim())
	states := v.vit.HiddenStates(g, w.Sub(v.vit.Prefix), pixels, slices.Max(v.layers))
	var selected []*graph.Value
	for _, l := range v.layers {
		x := states[l]
		if !v.keepCLS {
			x = b.Slice(x, []int64{1}, []int64{v.vit.Positions()}, []int64{0})
		}
		selected = append(selected, x)
	}
	features := selected[0]
	if len(selected) > 1 {
		features = b.Concat(-1, selected...)
	}
	pw := w.Sub(v.projector)
	proj := blocks.DenseMLP{
		Act: v.projAct,
		FC1: pw.Get("linear_1.weight", v.outHidden, v.featureWidth()), FC1Bias: pw.If(v.projBias, "linear_1.bias", v.outHidden),
		FC2: pw.Get("linear_2.weight", v.outHidden, v.outHidden), FC2Bias: pw.If(v.projBias, "linear_2.bias", v.outHidden),
	}
	b.Output(features, vittower.OutFeatures)
	b.Output(proj.Apply(g, features), vittower.OutEmbeds)
	if err := w.Err(); err != nil {
		return nil, err
	}
	m, err := b.Build()
	if err != nil {
		return nil, err
	}
	return []*graph.Model{m}, nil
}

// Encode runs the tower and the projector on one preprocessed image.
func (v *tower) Encode(ctx context.Context, rt *ort.Runtime, sessions []*ort.Session, im core.Image) (*decoder.ImageFeatures, error) {
	return v.vit.Encode(ctx, rt, sessions[0], im, int(v.tokens()), int(v.featureWidth()))
}
