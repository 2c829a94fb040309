package maskingvision

import (
	"github.com/vlmask/vlmask/plugins/internal/pertoken"
	"github.com/vlmask/vlmask/sdk"
)

// Name is the strategy's plugin name.
const Name = "masking-vision"

// Version is the strategy's version.
const Version = "1.0.0"

// New returns the masking-vision strategy: one group per image or video
// placeholder token.
func New() sdk.MaskingStrategy {
	return pertoken.New(Name, Version, "one group per image (or video) token, labelled img<i> r<row> c<col>", pertoken.IsVision)
}
