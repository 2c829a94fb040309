package qwen3vl

import (
	"context"
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
)

// ImageFeatures are one image's vision-tower outputs: the merged image
// embeddings [tokens, hidden] and the DeepStack features, one [tokens,
// hidden] slice per DeepStack merger.
type ImageFeatures struct {
	Embeds    []float64
	DeepStack [][]float64
	Tokens    int
}

// EncodeImage runs the vision tower on one preprocessed image.
func (m *Model) EncodeImage(ctx context.Context, im core.Image) (*ImageFeatures, error) {
	if m.vision == nil {
		return nil, fmt.Errorf("this checkpoint has no vision tower (no tensor %s): %w", visionProbeTensor, ErrUnsupported)
	}
	v := m.vision
	if im.GridT != 1 {
		return nil, fmt.Errorf("image with %d temporal patches (video): %w", im.GridT, ErrUnsupported)
	}
	if int64(im.PatchDim) != v.patchDim() || len(im.PixelValues) != im.Patches()*im.PatchDim {
		return nil, fmt.Errorf("pixel values [%d×%d] do not match the vision tower's patch size %d", im.Patches(), im.PatchDim, v.patchDim())
	}
	if im.GridH%int(v.merge) != 0 || im.GridW%int(v.merge) != 0 {
		return nil, fmt.Errorf("image grid %d×%d is not a multiple of the merge size %d", im.GridH, im.GridW, v.merge)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := int64(im.Patches())
	side := 0
	for side*side < int(v.numPos) {
		side++
	}
	pos := interpolatePosEmbed(m.posTable, side, int(v.hidden), im.GridT, im.GridH, im.GridW, int(v.merge))
	cos, sin := visionRope(int(v.headDim()), im.GridT, im.GridH, im.GridW, int(v.merge))

	var in values
	defer in.Close()
	pixels, err := in.add32(m.rt, graph.Float32, []int64{p, v.patchDim()}, im.PixelValues)
	if err != nil {
		return nil, err
	}
	posV, err := in.add32(m.rt, graph.Float32, []int64{p, v.hidden}, pos)
	if err != nil {
		return nil, err
	}
	cosV, err := in.add32(m.rt, graph.Float32, []int64{p, v.headDim()}, cos)
	if err != nil {
		return nil, err
	}
	sinV, err := in.add32(m.rt, graph.Float32, []int64{p, v.headDim()}, sin)
	if err != nil {
		return nil, err
	}
	names := []string{"image_embeds"}
	for i := range v.deepstack {
		names = append(names, fmt.Sprintf("deepstack_%d", i))
	}
	outs, err := m.visionSess.Run([]ort.Named{{Name: "pixels", Value: pixels}, {Name: "pos", Value: posV}, {Name: "cos", Value: cosV}, {Name: "sin", Value: sinV}}, names)
	if err != nil {
		return nil, fmt.Errorf("vision tower: %w", err)
	}
	defer closeAll(outs)
	f := &ImageFeatures{Tokens: int(p / v.mergeUnit())}
	if f.Embeds, err = float64s(outs[0]); err != nil {
		return nil, err
	}
	for _, o := range outs[1:] {
		ds, err := float64s(o)
		if err != nil {
			return nil, err
		}
		f.DeepStack = append(f.DeepStack, ds)
	}
	return f, nil
}
