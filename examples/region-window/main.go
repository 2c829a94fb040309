// Command vlmask-plugin-region-window is an example vlmask masking strategy:
// it knocks out k×k windows of image patches together, tiling each image's
// merged-token grid (windows at the right and bottom edges are smaller).
// Configure it with {"k": 2}; k is 2 when unset.
package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/vlmask/vlmask/sdk"
)

type regionWindow struct {
	sdk.MaskingBase
	k int
}

func (*regionWindow) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{
		Name: "region-window", Version: "0.1.0", Kind: sdk.KindMasking,
		Summary:          "knocks out k×k windows of image patches, per image",
		ConfigSchemaJSON: `{"type": "object", "properties": {"k": {"type": "integer", "minimum": 1}}}`,
	}, nil
}

func (r *regionWindow) Configure(_ context.Context, config json.RawMessage) error {
	cfg := struct{ K int }{K: 2}
	if len(config) > 0 {
		if err := json.Unmarshal(config, &cfg); err != nil || cfg.K < 1 {
			return fmt.Errorf(`want {"k": n} with n ≥ 1, got %s: %w`, config, sdk.ErrInvalidConfig)
		}
	}
	r.k = cfg.K
	return nil
}

func (r *regionWindow) Mask(_ context.Context, req sdk.MaskRequest) (sdk.MaskResponse, error) {
	var groups []sdk.Group
	for _, img := range req.Sequence.Images {
		for r0 := 0; r0 < img.GridRows; r0 += r.k {
			for c0 := 0; c0 < img.GridCols; c0 += r.k {
				r1, c1 := min(r0+r.k, img.GridRows)-1, min(c0+r.k, img.GridCols)-1
				g := sdk.Group{Label: fmt.Sprintf("img%d r%d-%d c%d-%d", img.Index, r0, r1, c0, c1)}
				for _, tok := range req.Sequence.Tokens {
					if tok.Modality == sdk.Image && tok.ImageIndex == img.Index &&
						tok.PatchRow >= r0 && tok.PatchRow <= r1 && tok.PatchCol >= c0 && tok.PatchCol <= c1 {
						g.Positions = append(g.Positions, tok.Position)
					}
				}
				if len(g.Positions) > 0 {
					groups = append(groups, g)
				}
			}
		}
	}
	return sdk.MaskResponse{Groups: groups}, nil
}

func main() { sdk.ServeMasking(&regionWindow{k: 2}) }
