package core

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/parallel"
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
	heads   []float64       // the per-head vectors of the layer being scored (batches)
	effect  *effectStep     // the propagated knockout, when asked for
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
	if st.effect != nil && st.opts.Method != MethodRecompute {
		if err := st.effect.keep(p, v, st.spec.Hidden); err != nil {
			return err
		}
	}
	if st.plan.deferred {
		st.pending = append(st.pending, v)
		return nil
	}
	st.send(v, -1)
	return nil
}

// score is the scorer's first stage: one layer's rows.
func (st *stepRun) score(v *LayerVectors, target int) ([]results.Row, error) {
	return st.layerRows(st.ctx, v, target)
}

// write is the scorer's second stage: it writes one layer's rows and tells
// the observer the layer is done.
func (st *stepRun) write(layer int, rows []results.Row) error {
	if err := st.a.Rows.Write(rows); err != nil {
		return err
	}
	if st.a.Observer != nil {
		st.a.Observer.LayerDone(st.step, layer, st.spec.NumLayers)
	}
	return nil
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
		parallel.Chunks(g, knockoutChunk, func(lo, hi int) {
			a := att.withScratch()
			for i := lo; i < hi; i++ {
				a.knockout(groups[i].Positions, v.Heads[(i+1)*width:(i+2)*width])
			}
		})
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

// layerRows scores one layer with every metric and lays out its rows.
func (st *stepRun) layerRows(ctx context.Context, v *LayerVectors, target int) ([]results.Row, error) {
	spec := st.spec
	g := len(st.groups)
	variants := []string{results.VariantFull, results.VariantAttn}
	if !st.opts.SkipPerHead {
		for h := 0; h < spec.NumHeads; h++ {
			variants = append(variants, results.VariantHeadPrefix+strconv.Itoa(h))
		}
	}
	variantIndex := make(map[string]int, len(variants))
	for i, name := range variants {
		variantIndex[name] = i
	}
	// The result columns in row order: l2, cosine, then the extra ones.
	columnIndex := map[string]int{results.ColumnL2Distance: 0, results.ColumnCosineDistance: 1}
	for k, c := range st.plan.extra {
		columnIndex[c] = 2 + k
	}
	// values[column][variant] holds one value per group; nil is no value
	// (NaN, which an extra column writes as null).
	values := make([][][]float64, 2+len(st.plan.extra))
	for c := range values {
		values[c] = make([][]float64, len(variants))
	}
	batches := st.batches(v)
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
				return nil, err
			}
			req.Unembedding = row
		}
		resp, err := m.Score(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("metric: %w", err)
		}
		if err := sdk.ValidateScore(req, resp); err != nil {
			return nil, fmt.Errorf("metric: %w", err)
		}
		for _, col := range resp.Columns {
			c, ok := columnIndex[col.Name]
			if !ok {
				continue // ValidateScore holds columns to the description: not reached
			}
			vals := col.Float64s() // float64 from a metric that computed in it, else its float32 values
			for bi, b := range req.Batches {
				if vi, ok := variantIndex[b.Variant]; ok {
					values[c][vi] = vals[bi*g : (bi+1)*g]
				}
			}
		}
	}

	perGroup := len(variants)
	if st.opts.SaveAttentionWeights {
		perGroup += spec.NumHeads + 1
	}
	rows := make([]results.Row, 0, g*perGroup)
	nextra := len(st.plan.extra)
	extras := make([]float64, 0, g*perGroup*nextra) // the rows' extra metric values, one backing array
	value := func(c, vi, gi int) float64 {
		if vals := values[c][vi]; vals != nil {
			return vals[gi]
		}
		return math.NaN()
	}
	for gi, grp := range st.groups {
		base := st.rowBase(v.Layer, grp)
		for vi, name := range variants {
			r := base
			r.Variant = name
			r.L2Distance = value(0, vi, gi)
			r.CosineDistance = value(1, vi, gi)
			if nextra > 0 {
				for k := range nextra {
					extras = append(extras, value(2+k, vi, gi))
				}
				r.Metrics = extras[len(extras)-nextra : len(extras) : len(extras)]
			}
			rows = append(rows, r)
		}
		if !st.opts.SaveAttentionWeights {
			continue
		}
		var sum float64
		weightRow := func(variant string, w float64) results.Row {
			// Laid out as the original tool did: the weight in l2_distance
			// and attention_weight, cosine_distance 0, no extra metric.
			r := base
			r.Variant = variant
			r.L2Distance, r.CosineDistance = w, 0
			r.AttentionWeight, r.HasAttentionWeight = w, true
			if nextra > 0 {
				for range nextra {
					extras = append(extras, math.NaN())
				}
				r.Metrics = extras[len(extras)-nextra : len(extras) : len(extras)]
			}
			return r
		}
		for h := 0; h < spec.NumHeads; h++ {
			w := v.Mass[gi*spec.NumHeads+h]
			sum += w
			rows = append(rows, weightRow(results.VariantAttentionWeightHeadPrefix+strconv.Itoa(h), w))
		}
		rows = append(rows, weightRow(results.VariantAttentionWeightAvg, sum/float64(spec.NumHeads)))
	}
	return rows, nil
}

// batches builds the vectors every metric may ask for, in float64 as the
// engine computed them (sdk.VectorBatch's Baseline64 and Masked64). Full
// and Attn share the layer's own rows, copied nowhere (metrics only read
// them); a head's vectors are gathered out of the interleaved head
// outputs. A 1.0 plugin gets them rounded to float32 by its client
// (sdk/hostrpc), which is the only reader of that precision.
func (st *stepRun) batches(v *LayerVectors) []sdk.VectorBatch {
	spec := st.spec
	g := len(st.groups)
	rows := func(name string, all []float64, dim int) sdk.VectorBatch {
		return sdk.VectorBatch{Variant: name, Dim: dim, Baseline64: all[:dim:dim], Masked64: all[dim : (g+1)*dim : (g+1)*dim]}
	}
	out := make([]sdk.VectorBatch, 0, 2+spec.NumHeads)
	out = append(out, rows(results.VariantFull, v.Update, spec.Hidden), rows(results.VariantAttn, v.Attn, spec.Hidden))
	if !st.plan.headVecs {
		return out
	}
	// One buffer for every layer of the step: the scorer scores a layer
	// only after the previous one's metrics have returned.
	width := spec.NumHeads * spec.HeadDim
	dim := spec.HeadDim
	if len(st.heads) != g*width {
		st.heads = make([]float64, g*width)
	}
	for h := 0; h < spec.NumHeads; h++ {
		off := h * dim
		masked := st.heads[h*g*dim : (h+1)*g*dim : (h+1)*g*dim]
		for i := 0; i < g; i++ {
			copy(masked[i*dim:(i+1)*dim], v.Heads[(i+1)*width+off:])
		}
		out = append(out, sdk.VectorBatch{Variant: results.VariantHeadPrefix + strconv.Itoa(h), Dim: dim,
			Baseline64: v.Heads[off : off+dim : off+dim], Masked64: masked})
	}
	return out
}

// knockoutChunk is the fewest groups one goroutine knocks out: each costs
// about heads × headDim multiply-adds, so fewer would not pay for the
// goroutine.
const knockoutChunk = 64

// classOf maps a variant name to the class metrics ask for.
func classOf(variant string) sdk.VariantClass {
	if strings.HasPrefix(variant, results.VariantHeadPrefix) {
		return sdk.VariantHead
	}
	return sdk.VariantClass(variant)
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
