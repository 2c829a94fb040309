package goldenmodel

import (
	"os"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core"
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
// (input ids, position ids, pixel values), so these checks test the model
// alone, not the front end.
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
	if f.Has("pixel_values") {
		pix, pshape := golden.Float64s(t, f, "pixel_values")
		grids, _ := golden.Int64s(t, f, "image_grid_thw")
		px := make([]float32, len(pix))
		for i, x := range pix {
			px[i] = float32(x)
		}
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
