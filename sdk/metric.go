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

// VectorBatch is one variant's vectors at the final position of one layer,
// in two precisions. When vlmask calls a metric plugin both are set:
// Baseline64 and Masked64 are the vectors as the engine computed them
// (float64), and Baseline and Masked the same values rounded to float32,
// for metrics written against protocol 1.0. (vlmask's engine itself fills
// only the float64 ones; the SDK fills in float32 on the plugin's side,
// and a host calling a metric in its own process uses WithBothPrecisions.) Read the float64 ones (or call Float64s,
// which also serves requests that carry only float32): a head's change of
// 1e-10 survives in float64 and vanishes in float32.
type VectorBatch struct {
	// Variant is "Full", "Attn" or "Head_<h>".
	Variant string `json:"variant"`
	Dim     int    `json:"dim"`
	// Baseline is the unmasked vector, Dim values, rounded to float32.
	Baseline []float32 `json:"baseline"`
	// Masked holds one vector per group, len(Groups)·Dim values, row-major
	// by group, rounded to float32.
	Masked []float32 `json:"masked"`
	// Baseline64 is the unmasked vector in float64 (protocol 1.1).
	Baseline64 []float64 `json:"baseline64,omitempty"`
	// Masked64 is Masked in float64 (protocol 1.1).
	Masked64 []float64 `json:"masked64,omitempty"`
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

// Column is one result column: one value per (batch, group),
// len(Batches)·len(Groups) values, batch-major (all groups of batch 0
// first). Set Values64 when the metric computes in float64 (the host
// stores float64 columns, so nothing is rounded), Values for float32; when
// both are set they must hold the same values.
type Column struct {
	Name   string    `json:"name"`
	Values []float32 `json:"values,omitempty"`
	// Values64 are the values in float64 (protocol 1.1). vlmask uses them
	// when set, else Values.
	Values64 []float64 `json:"values64,omitempty"`
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
