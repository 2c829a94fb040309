package qwen2vl

import (
	"context"
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
)

// Encode runs the tower on one preprocessed image: its merged embeddings,
// one per image token, in the processor's order.
func (v *tower) Encode(ctx context.Context, rt *ort.Runtime, sessions []*ort.Session, im core.Image) (*decoder.ImageFeatures, error) {
	if im.GridT != 1 {
		return nil, fmt.Errorf("image with %d temporal patches (video): %w", im.GridT, decoder.ErrUnsupported)
	}
	if int64(im.PatchDim) != v.patchDim() || len(im.PixelValues) != im.Patches()*im.PatchDim {
		return nil, fmt.Errorf("pixel values [%d×%d] do not match the vision tower's patch size %d", im.Patches(), im.PatchDim, v.patchDim())
	}
	merge := int(v.merge)
	if im.GridH%merge != 0 || im.GridW%merge != 0 {
		return nil, fmt.Errorf("image grid %d×%d is not a multiple of the merge size %d", im.GridH, im.GridW, merge)
	}
	p := int64(im.Patches())
	hd := int(v.headDim())
	pixels := im.PixelValues
	cos, sin := blocks.VisionRope2D(hd, im.GridT, im.GridH, im.GridW, merge)
	unit := int(v.mergeUnit())
	var order []int // merged tokens in window order; nil: processor order
	var windows []int64
	if v.windowed {
		var sizes []int
		var err error
		order, sizes, err = windowOrder(im.GridT, im.GridH/merge, im.GridW/merge, v.windowSide)
		if err != nil {
			return nil, err
		}
		pixels = permuteRows(pixels, order, unit, im.PatchDim)
		cos = permuteRows(cos, order, unit, hd)
		sin = permuteRows(sin, order, unit, hd)
		for i := range sizes {
			sizes[i] *= unit
		}
		windows = blocks.SegmentIDs(sizes)
	}

	var in decoder.Inputs
	defer in.Close()
	feeds := make([]ort.Named, 0, 4)
	for _, t := range []struct {
		name  string
		width int64
		data  []float32
	}{{inPixels, v.patchDim(), pixels}, {inCos, int64(hd), cos}, {inSin, int64(hd), sin}} {
		val, err := in.Add32(rt, graph.Float32, []int64{p, t.width}, t.data)
		if err != nil {
			return nil, err
		}
		feeds = append(feeds, ort.Named{Name: t.name, Value: val})
	}
	if v.anyWindowed() {
		val, err := ort.NewTensor(rt, []int64{p}, windows)
		if err != nil {
			return nil, err
		}
		in = append(in, val)
		feeds = append(feeds, ort.Named{Name: inWindow, Value: val})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	outs, err := sessions[0].Run(feeds, []string{outEmbeds})
	if err != nil {
		return nil, fmt.Errorf("vision tower: %w", err)
	}
	defer decoder.CloseAll(outs)
	f := &decoder.ImageFeatures{Tokens: int(p) / unit}
	if f.Embeds, err = decoder.Float64s(outs[0]); err != nil {
		return nil, err
	}
	if order != nil {
		f.Embeds = unpermuteRows(f.Embeds, order, int(v.outHidden))
	}
	return f, nil
}
