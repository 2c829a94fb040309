// Command vlmask-plugin-logit-projection is an example vlmask metric: for
// the Full and Attn vectors it reports how far the knockout moves the
// layer's output along the unembedding row u of the token the model
// generates at that step, (m − b)·u / ‖u‖ (column logit_projection). A
// negative value means the knocked-out tokens were pushing toward that
// token.
package main

import (
	"context"
	"fmt"
	"math"

	"github.com/vlmask/vlmask/sdk"
)

type logitProjection struct{ sdk.MetricBase }

func (logitProjection) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{
		Name: "logit-projection", Version: "0.1.0", Kind: sdk.KindMetric,
		Summary:      "(m − b)·u/‖u‖ with u the unembedding row of the generated token",
		Columns:      []string{"logit_projection"},
		Variants:     []sdk.VariantClass{sdk.VariantFull, sdk.VariantAttn},
		Capabilities: sdk.Capabilities{NeedsUnembedding: true},
	}, nil
}

func (logitProjection) Score(_ context.Context, req sdk.ScoreRequest) (sdk.ScoreResponse, error) {
	if err := sdk.ValidateScoreRequest(req); err != nil {
		return sdk.ScoreResponse{}, err
	}
	u := req.Unembedding
	var norm float64
	for _, x := range u {
		norm += float64(x) * float64(x)
	}
	norm = math.Sqrt(norm)
	if norm == 0 {
		return sdk.ScoreResponse{}, fmt.Errorf("unembedding row of token %d is empty or zero: %w", req.TargetTokenID, sdk.ErrInvalidRequest)
	}
	col := sdk.Column{Name: "logit_projection"}
	for _, b := range req.Batches {
		if b.Dim != len(u) {
			return sdk.ScoreResponse{}, fmt.Errorf("batch %q has dim %d, unembedding %d: %w", b.Variant, b.Dim, len(u), sdk.ErrInvalidRequest)
		}
		baseline, masked := b.Float64s() // the exact vectors (protocol 1.1)
		for g := range req.Groups {
			var dot float64
			for i, m := range masked[g*b.Dim : (g+1)*b.Dim] {
				dot += (m - baseline[i]) * float64(u[i])
			}
			col.Values64 = append(col.Values64, dot/norm)
		}
	}
	return sdk.ScoreResponse{Columns: []sdk.Column{col}}, nil
}

func main() { sdk.ServeMetric(logitProjection{}) }
