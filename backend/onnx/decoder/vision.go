package decoder

import (
	"context"
	"fmt"

	"github.com/vlmask/vlmask/core"
)

// EncodeImage runs the vision tower on one preprocessed image.
func (m *Model) EncodeImage(ctx context.Context, im core.Image) (*ImageFeatures, error) {
	if m.spec.Vision == nil {
		reason := m.spec.NoVisionReason
		if reason == "" {
			reason = m.spec.Family + " takes no images"
		}
		return nil, fmt.Errorf("%s: %w", reason, ErrUnsupported)
	}
	if m.vision == nil {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := m.spec.Vision.Encode(ctx, m.rt, m.vision, im)
	if err != nil {
		return nil, err
	}
	d := int(m.spec.Decoder.Hidden)
	if len(f.Embeds) != f.Tokens*d {
		return nil, fmt.Errorf("vision tower: %d embedding values for %d tokens of width %d", len(f.Embeds), f.Tokens, d)
	}
	for l, add := range f.LayerAdds {
		if len(add) != f.Tokens*d {
			return nil, fmt.Errorf("vision tower: %d values added after layer %d for %d tokens of width %d", len(add), l, f.Tokens, d)
		}
	}
	return f, nil
}
