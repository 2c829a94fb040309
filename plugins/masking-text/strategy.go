package maskingtext

import (
	"github.com/vlmask/vlmask/plugins/internal/pertoken"
	"github.com/vlmask/vlmask/sdk"
)

// Name is the strategy's plugin name.
const Name = "masking-text"

// Version is the strategy's version.
const Version = "1.0.0"

// New returns the masking-text strategy: one group per position that is
// not a vision placeholder.
func New() sdk.MaskingStrategy {
	return pertoken.New(Name, Version,
		"one group per text position (not image or video pads): specials, vision markers and generated tokens included",
		func(t sdk.Token) bool { return !pertoken.IsVision(t) })
}
