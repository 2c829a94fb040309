package goldenmodel

import (
	"context"

	"github.com/vlmask/vlmask/plugins/metrics"
	"github.com/vlmask/vlmask/sdk"
)

// distances is the built-in l2/cosine metric (plugins/metrics'
// L2Distance and CosineDistance: float64 from the engine's float64
// vectors, with torch.nn.functional.cosine_similarity's eps 1e-8 on each
// norm) run in process, for the golden checks.
type distances struct{ sdk.MetricBase }

func (distances) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{
		Name: "test-distances", Version: "0", Kind: sdk.KindMetric,
		Columns:  []string{"l2_distance", "cosine_distance"},
		Variants: []sdk.VariantClass{"Full", "Attn", "Head"},
	}, nil
}

func (distances) Score(_ context.Context, req sdk.ScoreRequest) (sdk.ScoreResponse, error) {
	l2 := sdk.Column{Name: "l2_distance"}
	cos := sdk.Column{Name: "cosine_distance"}
	for _, b := range req.Batches {
		baseline, masked := b.Float64s()
		for g := range req.Groups {
			m := masked[g*b.Dim : (g+1)*b.Dim]
			l2.Values64 = append(l2.Values64, metrics.L2Distance(baseline, m))
			cos.Values64 = append(cos.Values64, metrics.CosineDistance(baseline, m))
		}
	}
	return sdk.ScoreResponse{Columns: []sdk.Column{l2, cos}}, nil
}
