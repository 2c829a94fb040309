package goldenmodel

import (
	"context"
	"math"

	"github.com/vlmask/vlmask/sdk"
)

// distances is a minimal l2/cosine metric for the golden checks,
// computed in float64 as torch.nn.functional.cosine_similarity (eps 1e-8
// on each norm).
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
		for g := range req.Groups {
			m := b.Masked[g*b.Dim : (g+1)*b.Dim]
			var d2, dot, nb, nm float64
			for k, x := range b.Baseline {
				y := float64(m[k])
				d := y - float64(x)
				d2 += d * d
				dot += float64(x) * y
				nb += float64(x) * float64(x)
				nm += y * y
			}
			l2.Values = append(l2.Values, float32(math.Sqrt(d2)))
			c := dot / (math.Max(math.Sqrt(nb), 1e-8) * math.Max(math.Sqrt(nm), 1e-8))
			cos.Values = append(cos.Values, float32(1-c))
		}
	}
	return sdk.ScoreResponse{Columns: []sdk.Column{l2, cos}}, nil
}
