package core

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/plugins/metrics"
	"github.com/vlmask/vlmask/sdk"
)

// BenchmarkEmitLayer measures the host's work for one layer of a
// Qwen3-VL-8B-shaped analysis after the model has computed its vectors:
// scoring every variant with the built-in metric in the host and writing
// the rows (every head, attention weights) to Parquet, pipelined as a step
// does it. On a GPU this is
// what bounds a step, so its rows/s is the ceiling of the whole analysis.
func BenchmarkEmitLayer(b *testing.B) {
	const groups = 1047
	spec := Spec{NumLayers: 36, NumHeads: 32, NumKVHeads: 8, HeadDim: 128, Hidden: 4096}
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	v := &LayerVectors{
		Heads:  fill((groups + 1) * spec.NumHeads * spec.HeadDim),
		Attn:   fill((groups + 1) * spec.Hidden),
		Update: fill((groups + 1) * spec.Hidden),
		Mass:   fill(groups * spec.NumHeads),
	}
	tokens := make([]sdk.Token, groups)
	gs := make([]sdk.Group, groups)
	for i := range tokens {
		tokens[i] = sdk.Token{Position: i, ID: 1000 + i, Text: "tok" + strconv.Itoa(i), Modality: sdk.Text, ImageIndex: -1, PatchRow: -1, PatchCol: -1}
		gs[i] = sdk.Group{Label: tokens[i].Text, Positions: []int{i}}
	}
	w, err := results.Create(filepath.Join(b.TempDir(), "emit"), results.Options{Formats: []results.Format{results.FormatParquet}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = w.Abort() })
	a := &Analyzer{Metrics: []sdk.Metric{metrics.New()}, Rows: w}
	opts := Options{SaveAttentionWeights: true}
	plan, err := a.plan(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	st := &stepRun{ctx: context.Background(), a: a, plan: plan, opts: opts, spec: spec, tokens: tokens, groups: gs}
	st.scorer = newScorer(st.score, st.write)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		layer := *v
		layer.Layer = i
		st.send(&layer, -1)
	}
	if err := st.stop(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(st.rows)/b.Elapsed().Seconds(), "rows/s")
}
