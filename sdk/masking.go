package sdk

import (
	"context"
	"encoding/json"
)

// MaskRequest asks a masking strategy for the groups of one step.
type MaskRequest struct {
	Sequence Sequence `json:"sequence"`
}

// MaskResponse is a strategy's answer: the groups to knock out, each
// scored separately. No groups at all is a valid answer.
type MaskResponse struct {
	Groups []Group `json:"groups"`
}

// MaskingStrategy decides which positions are knocked out together.
// The host calls Describe, then Configure once, then Mask once per
// analysed step; Mask must be deterministic. Embed MaskingBase for the
// defaults.
type MaskingStrategy interface {
	Describe(ctx context.Context) (Description, error)
	// Configure receives the user's configuration as JSON; empty means none.
	// Reject a bad config with an error wrapping ErrInvalidConfig.
	Configure(ctx context.Context, config json.RawMessage) error
	Mask(ctx context.Context, req MaskRequest) (MaskResponse, error)
}
