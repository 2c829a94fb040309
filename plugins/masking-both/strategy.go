package maskingboth

import (
	"github.com/vlmask/vlmask/plugins/internal/pertoken"
	"github.com/vlmask/vlmask/sdk"
)

// Name is the strategy's plugin name.
const Name = "masking-both"

// Version is the strategy's version.
const Version = "1.0.0"

// New returns the masking-both strategy: one group per position.
func New() sdk.MaskingStrategy {
	return pertoken.New(Name, Version, "one group per position, text and image alike", func(sdk.Token) bool { return true })
}
