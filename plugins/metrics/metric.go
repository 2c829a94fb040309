package metrics

import (
	"context"
	"fmt"

	"github.com/vlmask/vlmask/internal/parallel"
	"github.com/vlmask/vlmask/sdk"
)

// Plugin name, version and the columns produced.
const (
	Name         = "metrics"
	Version      = "1.0.0"
	ColumnL2     = "l2_distance"
	ColumnCosine = "cosine_distance"
)

type metric struct{ sdk.MetricBase }

var _ sdk.Metric = metric{}

// New returns the l2/cosine distance metric.
func New() sdk.Metric { return metric{} }

func (metric) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{
		Name:     Name,
		Version:  Version,
		Kind:     sdk.KindMetric,
		Summary:  "L2 distance and cosine distance (PyTorch semantics, eps 1e-8) between masked and baseline vectors",
		Columns:  []string{ColumnL2, ColumnCosine},
		Variants: []sdk.VariantClass{sdk.VariantFull, sdk.VariantAttn, sdk.VariantHead},
	}, nil
}

func (metric) Score(_ context.Context, req sdk.ScoreRequest) (sdk.ScoreResponse, error) {
	if err := sdk.ValidateScoreRequest(req); err != nil {
		return sdk.ScoreResponse{}, fmt.Errorf("metrics: %w", err)
	}
	g := len(req.Groups)
	l2 := make([]float64, len(req.Batches)*g)
	cos := make([]float64, len(req.Batches)*g)
	for bi, b := range req.Batches {
		baseline, masked := b.Float64s()
		ref := NewBaseline(baseline)
		// The groups of a batch over the cores, a chunk about 16k values.
		parallel.Chunks(g, max(1, (1<<14)/max(b.Dim, 1)), func(lo, hi int) {
			for gi := lo; gi < hi; gi++ {
				l2[bi*g+gi], cos[bi*g+gi] = ref.Distances(masked[gi*b.Dim : (gi+1)*b.Dim])
			}
		})
	}
	return sdk.ScoreResponse{Columns: []sdk.Column{{Name: ColumnL2, Values64: l2}, {Name: ColumnCosine, Values64: cos}}}, nil
}
