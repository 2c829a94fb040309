package vittower

import (
	"context"
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
)

// Input and outputs of a family's vision session: the tower and its
// projector in one graph, from the image's patch rows to the tower's
// features and the projected image embeddings.
const (
	InPixels    = "pixels"
	OutFeatures = "features"
	OutEmbeds   = "image_embeds"
)

// Encode runs a family's vision session (InPixels in; OutFeatures and
// OutEmbeds out) on one preprocessed image, which becomes tokens image
// tokens with features of featureWidth.
func (t Tower) Encode(ctx context.Context, rt *ort.Runtime, s *ort.Session, im core.Image, tokens, featureWidth int) (*decoder.ImageFeatures, error) {
	rows, err := t.PixelRows(im)
	if err != nil {
		return nil, err
	}
	var in decoder.Inputs
	defer in.Close()
	pixels, err := in.Add32(rt, graph.Float32, []int64{t.Patches(), t.PatchDim()}, rows)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	outs, err := s.Run([]ort.Named{{Name: InPixels, Value: pixels}}, []string{OutFeatures, OutEmbeds})
	if err != nil {
		return nil, fmt.Errorf("vision tower: %w", err)
	}
	defer decoder.CloseAll(outs)
	f := &decoder.ImageFeatures{Tokens: tokens, FeatureWidth: featureWidth}
	if f.Features, err = decoder.Float64s(outs[0]); err != nil {
		return nil, err
	}
	if f.Embeds, err = decoder.Float64s(outs[1]); err != nil {
		return nil, err
	}
	return f, nil
}
