package pertoken

import (
	"context"

	"github.com/vlmask/vlmask/sdk"
)

// strategy is a per-token masking strategy: one group per token that keep
// selects.
type strategy struct {
	sdk.MaskingBase
	desc sdk.Description
	keep func(sdk.Token) bool
}

var _ sdk.MaskingStrategy = strategy{}

// New returns the masking strategy named by name, version and summary that
// knocks out every token keep selects, each as a group of its own.
func New(name, version, summary string, keep func(sdk.Token) bool) sdk.MaskingStrategy {
	return strategy{
		desc: sdk.Description{Name: name, Version: version, Kind: sdk.KindMasking, Summary: summary},
		keep: keep,
	}
}

func (s strategy) Describe(context.Context) (sdk.Description, error) { return s.desc, nil }

func (s strategy) Mask(_ context.Context, req sdk.MaskRequest) (sdk.MaskResponse, error) {
	return sdk.MaskResponse{Groups: Groups(req.Sequence, s.keep)}, nil
}
