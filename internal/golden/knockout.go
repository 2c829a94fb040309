package golden

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// KnockoutRow is one row of a case's knockout_f64.csv.
type KnockoutRow struct {
	Step, Layer, Position int
	Token, Variant        string
	L2, Cosine            float64
	Weight                float64
	HasWeight             bool
}

// Knockout reads the case's expected knockout table (float64 run).
func (c Case) Knockout(t testing.TB) []KnockoutRow {
	t.Helper()
	f, err := os.Open(c.Expected("knockout_f64.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []KnockoutRow
	for i, r := range recs[1:] {
		num := func(s string) float64 {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("knockout_f64.csv row %d: %v", i+2, err)
			}
			return v
		}
		row := KnockoutRow{
			Step: int(num(r[0])), Layer: int(num(r[1])), Token: r[2], Position: int(num(r[3])), Variant: r[4],
			L2: num(r[5]), Cosine: num(r[6]),
		}
		if r[7] != "" {
			row.Weight, row.HasWeight = num(r[7]), true
		}
		out = append(out, row)
	}
	return out
}

// variantClass is the tolerance class of a variant name.
func variantClass(v string) string {
	switch {
	case strings.HasPrefix(v, "AttentionWeight_"):
		return "AttentionWeight"
	case strings.HasPrefix(v, "Head_"):
		return "Head"
	default:
		return v
	}
}

// CompareKnockout checks rows written by vlmask against the case's expected
// knockout table: the same rows in the same order (step, layer, position,
// token text, variant: exact) and every value within the tolerance rule of
// its class and metric.
func (c Case) CompareKnockout(t testing.TB, got []results.Row) {
	t.Helper()
	c.CompareKnockoutVariants(t, got, nil)
}

// CompareKnockoutVariants is CompareKnockout against the expected rows
// whose variant keep accepts (nil keeps all), for runs without per-head or
// attention-weight rows.
func (c Case) CompareKnockoutVariants(t testing.TB, got []results.Row, keep func(variant string) bool) {
	t.Helper()
	c.CompareKnockoutRows(t, got, func(w KnockoutRow) bool { return keep == nil || keep(w.Variant) }, c.Tolerance(t))
}

// CompareKnockoutRows is CompareKnockout against the expected rows keep
// accepts, with the given tolerances (a scaled rule for half precision).
func (c Case) CompareKnockoutRows(t testing.TB, got []results.Row, keep func(KnockoutRow) bool, tol Tolerances) {
	t.Helper()
	var want []KnockoutRow
	for _, w := range c.Knockout(t) {
		if keep(w) {
			want = append(want, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d knockout rows, want %d", len(got), len(want))
	}
	failures := 0
	fail := func(format string, args ...any) {
		t.Helper()
		failures++
		if failures <= 10 {
			t.Errorf(format, args...)
		}
	}
	worst := map[string]float64{}
	for i := 0; i < min(len(got), len(want)); i++ {
		g, w := got[i], want[i]
		if g.Step != w.Step || g.Layer != w.Layer || g.TokenPosition != w.Position || g.Variant != w.Variant || g.TokenMasked != w.Token {
			fail("row %d: (step %d, layer %d, pos %d, %q, %s), want (step %d, layer %d, pos %d, %q, %s)",
				i, g.Step, g.Layer, g.TokenPosition, g.TokenMasked, g.Variant, w.Step, w.Layer, w.Position, w.Token, w.Variant)
			continue
		}
		class := variantClass(w.Variant)
		check := func(metric string, gv, wv float64) {
			t.Helper()
			q, ok := tol.Knockout[class][metric]
			if !ok {
				t.Fatalf("tolerance.json has no knockout[%s][%s]", class, metric)
			}
			d := gv - wv
			if d < 0 {
				d = -d
			}
			if !(d <= q.TolAbs) {
				fail("row %d (step %d, layer %d, pos %d, %s): %s %v, want %v (|Δ| %.3g > %.3g)",
					i, w.Step, w.Layer, w.Position, w.Variant, metric, gv, wv, d, q.TolAbs)
			}
			if d/q.TolAbs > worst[class+"."+metric] {
				worst[class+"."+metric] = d / q.TolAbs
			}
		}
		check("l2_distance", g.L2Distance, w.L2)
		check("cosine_distance", g.CosineDistance, w.Cosine)
		if w.L2 == 0 && w.Cosine == 0 && (g.L2Distance != 0 || g.CosineDistance != 0) {
			// A key the final row does not see (outside a sliding window):
			// masking it changes nothing, and the reference writes the row as
			// exact zeros.
			fail("row %d (step %d, layer %d, pos %d, %s): l2 %v, cosine %v: want exact zeros (the final row does not attend to this key)",
				i, w.Step, w.Layer, w.Position, w.Variant, g.L2Distance, g.CosineDistance)
		}
		if g.HasAttentionWeight != w.HasWeight {
			fail("row %d: attention_weight present %v, want %v", i, g.HasAttentionWeight, w.HasWeight)
		} else if w.HasWeight {
			check("attention_weight", g.AttentionWeight, w.Weight)
		}
	}
	if failures > 10 {
		t.Errorf("... %d mismatching rows in all", failures)
	}
	t.Logf("worst |Δ|/tolerance per class: %v", worst)
}
