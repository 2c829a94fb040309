package goldenmodel

import (
	"os"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/internal/golden"
)

// EnvTestCUDA, set to 1 on a GPU host, adds CUDA to the devices the golden
// model tests run on.
const EnvTestCUDA = "VLMASK_TEST_CUDA"

// Devices are the devices golden tests run on: the CPU, plus CUDA when
// $VLMASK_TEST_CUDA is 1.
func Devices() []ort.Device {
	devs := []ort.Device{{Kind: ort.CPU}}
	if os.Getenv(EnvTestCUDA) == "1" {
		devs = append(devs, ort.Device{Kind: ort.CUDA})
	}
	return devs
}

// Prompt builds the model input straight from the case's expected tensors
// (input ids, position ids, token type ids, pixel values — flattened
// patches with image_grid_thw, or channels-first images), so these checks
// test the model alone, not the front end.
func Prompt(t testing.TB, c golden.Case) *core.Prompt {
	t.Helper()
	f := c.Tensors(t)
	ids, _ := golden.Int64s(t, f, "input_ids")
	p := &core.Prompt{}
	for _, id := range ids {
		p.IDs = append(p.IDs, int(id))
	}
	pos, shape := golden.Int64s(t, f, "position_ids")
	n := len(ids)
	if shape[0] == 3 {
		for r := 0; r < 3; r++ {
			p.Positions[r] = pos[r*n : (r+1)*n]
		}
		delta, _ := golden.Int64s(t, f, "rope_deltas")
		p.RopeDelta = delta[0]
	} else {
		for r := 0; r < 3; r++ {
			p.Positions[r] = pos
		}
	}
	if f.Has("token_type_ids") {
		types, _ := golden.Int64s(t, f, "token_type_ids")
		for _, v := range types {
			p.TokenTypeIDs = append(p.TokenTypeIDs, int(v))
		}
	}
	if f.Has("pixel_values") {
		pix, pshape := golden.Float64s(t, f, "pixel_values")
		px := make([]float32, len(pix))
		for i, x := range pix {
			px[i] = float32(x)
		}
		if len(pshape) == 4 {
			p.Images = channelsFirstImages(t, c, px, pshape)
			return p
		}
		grids, _ := golden.Int64s(t, f, "image_grid_thw")
		dim := int(pshape[1])
		off := 0
		for i := 0; i < len(grids); i += 3 {
			im := core.Image{PatchDim: dim, GridT: int(grids[i]), GridH: int(grids[i+1]), GridW: int(grids[i+2])}
			im.PixelValues = px[off*dim : (off+im.Patches())*dim]
			off += im.Patches()
			p.Images = append(p.Images, im)
		}
	}
	return p
}

// channelsFirstImages splits pixel values [images, 3, H, W] (the CLIP and
// SigLIP layout: LLaVA, Gemma 3) into one image each, with the vision
// tower's patch grid from the checkpoint's vision_config.patch_size, as
// the processor describes them.
func channelsFirstImages(t testing.TB, c golden.Case, px []float32, shape []int64) []core.Image {
	t.Helper()
	cfg, err := checkpoint.Load(c.Checkpoint())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Vision == nil || cfg.Vision.PatchSize <= 0 {
		t.Fatalf("%s: channels-first pixel values but no vision patch size in config.json", c.Name)
	}
	n, h, w := int(shape[0]), int(shape[2]), int(shape[3])
	size := int(shape[1]) * h * w
	patch := cfg.Vision.PatchSize
	var out []core.Image
	for k := 0; k < n; k++ {
		out = append(out, core.Image{
			PixelValues: px[k*size : (k+1)*size], Layout: channelsFirst, Height: h, Width: w,
			GridT: 1, GridH: h / patch, GridW: w / patch,
		})
	}
	return out
}

// channelsFirst is core.Image's Layout of CLIP and SigLIP pixels
// (hf/processor.ChannelsFirst).
const channelsFirst = "channels_first"
