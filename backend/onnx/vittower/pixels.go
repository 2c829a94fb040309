package vittower

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/core"
)

// layoutChannelsFirst is core.Image's Layout of CLIP and SigLIP pixels.
const layoutChannelsFirst = "channels_first"

// PixelRows cuts one preprocessed image — channels first, [Channels,
// ImageSize, ImageSize], as the CLIP and Gemma 3 image processors produce
// it — into the patch rows the embedding's Gemm reads: [Patches,
// PatchDim], patches row-major over the grid (the order of the Conv2d's
// flattened output), each row in the kernel's (channel, y, x) order.
// An image of another layout or size gives an error; neither LLaVA nor
// Gemma 3 interpolates the position embeddings.
func (t Tower) PixelRows(im core.Image) ([]float32, error) {
	if im.Layout != layoutChannelsFirst {
		return nil, fmt.Errorf("pixel layout %q: the %v tower takes channels-first pixels: %w", im.Layout, t.Kind, decoder.ErrUnsupported)
	}
	side := int(t.ImageSize)
	if im.Height != side || im.Width != side {
		return nil, fmt.Errorf("image of %d×%d pixels (h×w): the %v tower takes %d×%d (vision_config.image_size): %w",
			im.Height, im.Width, t.Kind, side, side, decoder.ErrUnsupported)
	}
	c, p := int(t.Channels), int(t.Patch)
	if len(im.PixelValues) != c*side*side {
		return nil, fmt.Errorf("%d pixel values for a %d-channel %d×%d image", len(im.PixelValues), c, side, side)
	}
	grid := side / p
	dim := int(t.PatchDim())
	rows := make([]float32, grid*grid*dim)
	for gy := 0; gy < grid; gy++ {
		for gx := 0; gx < grid; gx++ {
			row := rows[(gy*grid+gx)*dim:]
			k := 0
			for ch := 0; ch < c; ch++ {
				plane := im.PixelValues[ch*side*side:]
				for y := 0; y < p; y++ {
					src := plane[(gy*p+y)*side+gx*p:]
					copy(row[k:k+p], src[:p])
					k += p
				}
			}
		}
	}
	return rows, nil
}
