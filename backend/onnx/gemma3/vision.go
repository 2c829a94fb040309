package gemma3

import (
	"context"
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/vittower"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/checkpoint"
)

// tower is Gemma 3's vision side: the SigLIP tower and the projector.
type tower struct {
	vit vittower.Tower
	// side is √mm_tokens_per_image: the pooled grid's side; pool the
	// average pooling's kernel (and stride) in patches.
	side, pool int64
	outHidden  int64
	projector  string
}

var _ decoder.VisionTower = (*tower)(nil)

// newTower reads the SigLIP tower and the projector from the config.
func newTower(cfg *checkpoint.Config, names vittower.Names) (*tower, error) {
	vit, err := vittower.New(cfg.Vision, names.Vision)
	if err != nil {
		return nil, err
	}
	if vit.Kind != vittower.SigLIP {
		return nil, fmt.Errorf("vision_config.model_type %q: Gemma 3 runs a SigLIP tower: %w", cfg.Vision.ModelType, decoder.ErrUnsupported)
	}
	v := &tower{vit: vit, outHidden: int64(cfg.Text.HiddenSize), projector: names.Projector}
	for v.side*v.side < int64(cfg.Projector.TokensPerImage) {
		v.side++
	}
	if v.side*v.side != int64(cfg.Projector.TokensPerImage) || vit.Side()%v.side != 0 {
		return nil, fmt.Errorf("mm_tokens_per_image %d does not pool the %d×%d patch grid into a square: %w",
			cfg.Projector.TokensPerImage, vit.Side(), vit.Side(), decoder.ErrUnsupported)
	}
	v.pool = vit.Side() / v.side
	return v, nil
}

// Graphs builds the tower and the projector for one image.
//
// Input: pixels [patches, 3·patch²] (vittower.PixelRows). Outputs:
// features [patches, vision hidden] (last_hidden_state) and image_embeds
// [side², text hidden], the pooled cells row-major.
func (v *tower) Graphs(ws *weights.Store) ([]*graph.Model, error) {
	g := blocks.New("vision", ws.DType())
	b := g.B
	w := weights.NewDeclarer(ws, b, "")
	vw := w.Sub(v.vit.Prefix)
	hidden := v.vit.Hidden
	pixels := b.Input(vittower.InPixels, g.DT, v.vit.Patches(), v.vit.PatchDim())
	states := v.vit.HiddenStates(g, vw, pixels, int(v.vit.Depth))
	features := v.vit.PostNorm(g, vw, states[len(states)-1])

	// AvgPool2d(pool, pool) over the patch grid: cell (r, c) is the mean
	// of patch rows r·pool.. and columns c·pool.. of the grid.
	grid := b.Reshape(features, v.side, v.pool, v.side, v.pool, hidden)
	pooled := b.Reshape(b.ReduceMean(grid, []int64{1, 3}, false), v.side*v.side, hidden)

	pw := w.Sub(v.projector)
	norm := blocks.Norm{Kind: blocks.OffsetRMSNorm, Weight: pw.Get("mm_soft_emb_norm.weight", hidden), Eps: v.vit.Eps}
	proj := g.As(pw.Get("mm_input_projection_weight", hidden, v.outHidden), g.DT)
	b.Output(features, vittower.OutFeatures)
	b.Output(b.MatMul(norm.Apply(g, pooled), proj), vittower.OutEmbeds)
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
	return v.vit.Encode(ctx, rt, sessions[0], im, int(v.side*v.side), int(v.vit.Hidden))
}
