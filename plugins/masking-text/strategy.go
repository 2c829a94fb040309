package maskingtext

import (
	"context"

	"github.com/vlmask/vlmask/plugins/internal/pertoken"
	"github.com/vlmask/vlmask/sdk"
)

// Name is the strategy's plugin name.
const Name = "masking-text"

// Version is the strategy's version.
const Version = "1.0.0"

type strategy struct{ sdk.MaskingBase }

var _ sdk.MaskingStrategy = strategy{}

// New returns the masking-text strategy.
func New() sdk.MaskingStrategy { return strategy{} }

func (strategy) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{
		Name:    Name,
		Version: Version,
		Kind:    sdk.KindMasking,
		Summary: "one group per text position (not image or video pads): specials, vision markers and generated tokens included",
	}, nil
}

func (strategy) Mask(_ context.Context, req sdk.MaskRequest) (sdk.MaskResponse, error) {
	return sdk.MaskResponse{Groups: pertoken.Groups(req.Sequence, func(t sdk.Token) bool { return !pertoken.IsVision(t) })}, nil
}
