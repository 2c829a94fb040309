package sdk

import (
	"context"
	"encoding/json"
)

// VariantClass is a class of vectors a metric asks for.
type VariantClass string

// The vector classes. Head covers every per-head variant Head_0..Head_{H-1}.
const (
	VariantFull VariantClass = "Full" // the layer update, resid_post − resid_pre (hidden size)
	VariantAttn VariantClass = "Attn" // the attention output after o_proj (hidden size)
	VariantHead VariantClass = "Head" // one head's output before o_proj (head_dim)
)

// VectorBatch is one variant's vectors at the final position of one layer.
type VectorBatch struct {
	// Variant is "Full", "Attn" or "Head_<h>".
	Variant string `json:"variant"`
	Dim     int    `json:"dim"`
	// Baseline is the unmasked vector, Dim values.
	Baseline []float32 `json:"baseline"`
	// Masked holds one vector per group, len(Groups)·Dim values, row-major
	// by group.
	Masked []float32 `json:"masked"`
}

// ScoreRequest carries one (step, layer): every variant the metric asked
// for, for every group.
type ScoreRequest struct {
	Step    int           `json:"step"`
	Layer   int           `json:"layer"`
	Groups  []Group       `json:"groups"`
	Batches []VectorBatch `json:"batches"`
	// TargetTokenID is the token generated at this step, or -1 when unknown.
	TargetTokenID int `json:"target_token_id"`
	// Unembedding is set only for metrics that declare
	// Capabilities.NeedsUnembedding: the lm_head row of TargetTokenID
	// (hidden size).
	Unembedding []float32 `json:"unembedding,omitempty"`
}

// Column is one result column.
type Column struct {
	Name string `json:"name"`
	// Values hold one value per (batch, group): len(Batches)·len(Groups)
	// values, batch-major (all groups of batch 0 first).
	Values []float32 `json:"values"`
}

// ScoreResponse is a metric's answer. Each column name must be one the
// metric declared in Description.Columns, at most once.
type ScoreResponse struct {
	Columns []Column `json:"columns"`
}

// Metric scores knocked-out vectors against the baseline. The host calls
// Describe, then Configure once, then Score once per (step, layer). Embed
// MetricBase for the defaults.
type Metric interface {
	Describe(ctx context.Context) (Description, error)
	// Configure receives the user's configuration as JSON; empty means none.
	// Reject a bad config with an error wrapping ErrInvalidConfig.
	Configure(ctx context.Context, config json.RawMessage) error
	Score(ctx context.Context, req ScoreRequest) (ScoreResponse, error)
}
