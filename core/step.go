package core

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/sdk"
)

// metricPlan is what the metrics asked for, settled once per analysis.
type metricPlan struct {
	metrics  []sdk.Metric
	wants    [][]sdk.VariantClass // per metric
	extra    []string             // extra result columns, in metric order
	deferred bool                 // some metric needs the step's generated token
	headVecs bool                 // some metric wants per-head vectors and they are not skipped
}

func (a *Analyzer) plan(ctx context.Context, opts Options) (*metricPlan, error) {
	p := &metricPlan{metrics: a.Metrics}
	seen := map[string]string{}
	for _, m := range a.Metrics {
		d, err := m.Describe(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe metric: %w", err)
		}
		p.wants = append(p.wants, d.Variants)
		if slices.Contains(d.Variants, sdk.VariantHead) && !opts.SkipPerHead {
			p.headVecs = true
		}
		if d.Capabilities.NeedsUnembedding {
			if _, ok := a.Model.(Unembedder); !ok {
				return nil, fmt.Errorf("metric %q needs the unembedding matrix, which this model does not expose", d.Name)
			}
			p.deferred = true
		}
		for _, c := range d.Columns {
			if other, dup := seen[c]; dup {
				return nil, fmt.Errorf("metrics %q and %q both produce column %q", other, d.Name, c)
			}
			seen[c] = d.Name
			if c != results.ColumnL2Distance && c != results.ColumnCosineDistance {
				p.extra = append(p.extra, c)
			}
		}
	}
	return p, nil
}

// ExtraColumns are the metric columns beyond l2_distance and
// cosine_distance, in the order rows carry them (results.Options
// MetricColumns).
func (a *Analyzer) ExtraColumns(ctx context.Context) ([]string, error) {
	p, err := a.plan(ctx, Options{})
	if err != nil {
		return nil, err
	}
	return p.extra, nil
}

// LayerVectors are one layer's baseline and knocked-out vectors at the
// final position: row 0 is the baseline, row g+1 group g.
type LayerVectors struct {
	Layer  int
	Heads  []float64 // [G+1, heads·headDim]: head outputs before o_proj
	Attn   []float64 // [G+1, hidden]: attention outputs after o_proj
	Update []float64 // [G+1, hidden]: layer output − layer input
	Mass   []float64 // [G, heads]: baseline attention on each group
}

// stepRun is one analysis step: it turns each layer's probe into rows.
type stepRun struct {
	ctx    context.Context
	a      *Analyzer
	plan   *metricPlan
	opts   Options
	spec   Spec
	step   int
	tokens []sdk.Token
	groups []sdk.Group

	pending []*LayerVectors // layers waiting for the step's generated token
	scorer
}

func (st *stepRun) observe(p LayerProbe) error {
	if err := st.failed(); err != nil {
		return err
	}
	v, err := st.vectors(st.ctx, p)
	if err != nil {
		return err
	}
	if st.plan.deferred {
		st.pending = append(st.pending, v)
		return nil
	}
	st.send(v, -1)
	return nil
}

// score is the scorer's handler: it scores one layer, writes its rows and
// tells the observer the layer is done.
func (st *stepRun) score(v *LayerVectors, target int) (int64, error) {
	n, err := st.emit(st.ctx, v, target)
	if err == nil && st.a.Observer != nil {
		st.a.Observer.LayerDone(st.step, v.Layer, st.spec.NumLayers)
	}
	return n, err
}

// finish scores the layers held back for the generated token, waits for
// the scorer to write every row of the step, and reports its first error.
func (st *stepRun) finish(target int) error {
	for _, v := range st.pending {
		st.send(v, target)
	}
	st.pending = nil
	return st.stop()
}

// vectors computes a layer's baseline and knocked-out vectors for the
// step's groups.
func (st *stepRun) vectors(ctx context.Context, p LayerProbe) (*LayerVectors, error) {
	return KnockoutVectors(ctx, p, st.spec, st.groups, st.opts.Method)
}

// KnockoutVectors computes, at one layer, the final position's head
// outputs, attention outputs and layer updates with nothing knocked out
// (row 0) and with each group's keys knocked out (row g+1), plus each
// group's baseline attention mass per head, by the given method. It is the
// engine's core step, exported for cross-checks such as fast against
// recompute in float64.
func KnockoutVectors(ctx context.Context, p LayerProbe, spec Spec, groups []sdk.Group, method Method) (*LayerVectors, error) {
	att, err := newAttention(spec, p.SeqLen(), p.Scores(), p.Values())
	if err != nil {
		return nil, err
	}
	g := len(groups)
	width := spec.NumHeads * spec.HeadDim
	v := &LayerVectors{Layer: p.Layer(), Mass: make([]float64, g*spec.NumHeads)}
	for i, grp := range groups {
		for h := 0; h < spec.NumHeads; h++ {
			v.Mass[i*spec.NumHeads+h] = att.mass(h, grp.Positions)
		}
	}
	switch method {
	case MethodRecompute:
		sets := make([][]int, 0, g+1)
		sets = append(sets, nil) // the baseline: nothing masked
		for _, grp := range groups {
			sets = append(sets, grp.Positions)
		}
		v.Heads, v.Attn, v.Update, err = p.Recompute(ctx, sets)
	case MethodFast, "":
		v.Heads = make([]float64, (g+1)*width)
		copy(v.Heads, att.out)
		for i, grp := range groups {
			att.knockout(grp.Positions, v.Heads[(i+1)*width:(i+2)*width])
		}
		v.Attn, v.Update, err = p.Tail(ctx, v.Heads, g+1)
	default:
		return nil, fmt.Errorf("knockout method %q: want %s or %s", method, MethodFast, MethodRecompute)
	}
	if err != nil {
		return nil, err
	}
	v.keepUnseen(spec, len(groups))
	return v, nil
}

// keepUnseen gives every group that the final query does not attend at all
// — baseline mass exactly 0 in every head, such as keys outside a sliding
// window — the baseline vectors themselves as its knocked-out vectors.
// Masking keys whose weight is already 0 changes nothing (o' = o exactly,
// and the rest of the layer sees the same input), so every metric sees
// identical vectors and scores the row as no change at all, whatever
// rounding a batched tail or recompute run would add.
func (v *LayerVectors) keepUnseen(spec Spec, groups int) {
	heads := spec.NumHeads
	for i := 0; i < groups; i++ {
		unseen := true
		for _, m := range v.Mass[i*heads : (i+1)*heads] {
			if m != 0 {
				unseen = false
				break
			}
		}
		if !unseen {
			continue
		}
		for _, part := range [][]float64{v.Heads, v.Attn, v.Update} {
			width := len(part) / (groups + 1)
			copy(part[(i+1)*width:(i+2)*width], part[:width])
		}
	}
}

// emit scores one layer with every metric and writes its rows.
func (st *stepRun) emit(ctx context.Context, v *LayerVectors, target int) (int64, error) {
	spec := st.spec
	g := len(st.groups)
	batches := st.batches(v)
	// values[column][variant] = one value per group
	values := map[string]map[string][]float64{}
	for mi, m := range st.plan.metrics {
		req := sdk.ScoreRequest{Step: st.step, Layer: v.Layer, Groups: st.groups, TargetTokenID: target}
		for _, b := range batches {
			if slices.Contains(st.plan.wants[mi], classOf(b.Variant)) {
				req.Batches = append(req.Batches, b)
			}
		}
		if len(req.Batches) == 0 {
			continue
		}
		if st.plan.deferred {
			row, err := st.a.Model.(Unembedder).UnembeddingRow(target)
			if err != nil {
				return 0, err
			}
			req.Unembedding = row
		}
		resp, err := m.Score(ctx, req)
		if err != nil {
			return 0, fmt.Errorf("metric: %w", err)
		}
		if err := sdk.ValidateScore(req, resp); err != nil {
			return 0, fmt.Errorf("metric: %w", err)
		}
		for _, col := range resp.Columns {
			byVariant := values[col.Name]
			if byVariant == nil {
				byVariant = map[string][]float64{}
				values[col.Name] = byVariant
			}
			vals := col.Float64s() // float64 from a metric that computed in it, else its float32 values
			for bi, b := range req.Batches {
				byVariant[b.Variant] = vals[bi*g : (bi+1)*g]
			}
		}
	}

	variants := []string{results.VariantFull, results.VariantAttn}
	if !st.opts.SkipPerHead {
		for h := 0; h < spec.NumHeads; h++ {
			variants = append(variants, results.VariantHeadPrefix+strconv.Itoa(h))
		}
	}
	perGroup := len(variants)
	if st.opts.SaveAttentionWeights {
		perGroup += spec.NumHeads + 1
	}
	rows := make([]results.Row, 0, g*perGroup)
	for gi, grp := range st.groups {
		base := st.rowBase(v.Layer, grp)
		for _, name := range variants {
			r := base
			r.Variant = name
			r.L2Distance = pick(values, results.ColumnL2Distance, name, gi)
			r.CosineDistance = pick(values, results.ColumnCosineDistance, name, gi)
			if len(st.plan.extra) > 0 {
				r.Metrics = make([]float64, len(st.plan.extra))
				for k, c := range st.plan.extra {
					r.Metrics[k] = pick(values, c, name, gi)
				}
			}
			rows = append(rows, r)
		}
		if !st.opts.SaveAttentionWeights {
			continue
		}
		var sum float64
		for h := 0; h < spec.NumHeads; h++ {
			w := v.Mass[gi*spec.NumHeads+h]
			sum += w
			rows = append(rows, st.weightRow(base, results.VariantAttentionWeightHeadPrefix+strconv.Itoa(h), w))
		}
		rows = append(rows, st.weightRow(base, results.VariantAttentionWeightAvg, sum/float64(spec.NumHeads)))
	}
	if err := st.a.Rows.Write(rows); err != nil {
		return 0, err
	}
	return int64(len(rows)), nil
}

// weightRow lays an attention weight out as the original tool did: in
// l2_distance and attention_weight, with cosine_distance 0.
func (st *stepRun) weightRow(base results.Row, variant string, w float64) results.Row {
	r := base
	r.Variant = variant
	r.L2Distance, r.CosineDistance = w, 0
	r.AttentionWeight, r.HasAttentionWeight = w, true
	if len(st.plan.extra) > 0 {
		r.Metrics = make([]float64, len(st.plan.extra))
		for k := range r.Metrics {
			r.Metrics[k] = math.NaN()
		}
	}
	return r
}

// batches builds the vectors every metric may ask for, in both precisions
// (sdk.VectorBatch): the engine's float64 values, which a plugin of
// protocol 1.1 receives, and their float32 roundings for a 1.0 plugin or
// an in-process metric that reads those.
func (st *stepRun) batches(v *LayerVectors) []sdk.VectorBatch {
	spec := st.spec
	g := len(st.groups)
	split := func(name string, all []float64, rowWidth, off, dim int) sdk.VectorBatch {
		b := sdk.VectorBatch{Variant: name, Dim: dim,
			Baseline64: make([]float64, dim), Masked64: make([]float64, g*dim),
			Baseline: make([]float32, dim), Masked: make([]float32, g*dim)}
		copy(b.Baseline64, all[off:off+dim])
		for i := 0; i < g; i++ {
			copy(b.Masked64[i*dim:(i+1)*dim], all[(i+1)*rowWidth+off:])
		}
		for k, x := range b.Baseline64 {
			b.Baseline[k] = float32(x)
		}
		for k, x := range b.Masked64 {
			b.Masked[k] = float32(x)
		}
		return b
	}
	out := []sdk.VectorBatch{
		split(results.VariantFull, v.Update, spec.Hidden, 0, spec.Hidden),
		split(results.VariantAttn, v.Attn, spec.Hidden, 0, spec.Hidden),
	}
	if st.plan.headVecs {
		width := spec.NumHeads * spec.HeadDim
		for h := 0; h < spec.NumHeads; h++ {
			out = append(out, split(results.VariantHeadPrefix+strconv.Itoa(h), v.Heads, width, h*spec.HeadDim, spec.HeadDim))
		}
	}
	return out
}

// classOf maps a variant name to the class metrics ask for.
func classOf(variant string) sdk.VariantClass {
	if strings.HasPrefix(variant, results.VariantHeadPrefix) {
		return sdk.VariantHead
	}
	return sdk.VariantClass(variant)
}

func pick(values map[string]map[string][]float64, column, variant string, group int) float64 {
	v, ok := values[column][variant]
	if !ok {
		return math.NaN()
	}
	return v[group]
}

// rowBase fills the columns a group's rows share.
func (st *stepRun) rowBase(layer int, grp sdk.Group) results.Row {
	r := results.Row{
		Step: st.step, Layer: layer, PromptName: st.opts.PromptName,
		GroupLabel: grp.Label, GroupSize: len(grp.Positions),
		TokenPosition: grp.Positions[0], TokenID: -1, ImageIndex: -1, PatchRow: -1, PatchCol: -1,
	}
	first := st.tokens[grp.Positions[0]]
	if len(grp.Positions) == 1 {
		r.TokenMasked = first.Text
		r.TokenID = first.ID
		r.Modality = string(first.Modality)
		r.ImageIndex, r.PatchRow, r.PatchCol = first.ImageIndex, first.PatchRow, first.PatchCol
		return r
	}
	r.TokenMasked = grp.Label
	r.Modality = string(first.Modality)
	for _, pos := range grp.Positions[1:] {
		if st.tokens[pos].Modality != first.Modality {
			r.Modality = "mixed"
			break
		}
	}
	if r.Modality == string(sdk.Image) {
		r.ImageIndex = first.ImageIndex
	}
	return r
}
