package results_test

import (
	"errors"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// effectRows is genRows with an Effect_W1 and an Effect_W3 row after each
// (step, layer, position)'s rows, as the analysis writes them: effect
// values only there, extreme and negative ones among them.
func effectRows(n, numMetrics int) []results.Row {
	var out []results.Row
	for i, r := range genRows(n, numMetrics, 11) {
		out = append(out, r)
		if i%5 != 4 {
			continue
		}
		for _, k := range []int{1, 3} {
			e := r
			e.Variant = results.EffectVariant(k)
			e.AttentionWeight, e.HasAttentionWeight = 0, false
			e.Effect = &results.Effect{KL: float64(i) * 1e-7, DLogP: -float64(i) / 3, TV: math.SmallestNonzeroFloat64 * float64(k),
				ArgmaxChanged: i%3 == 0, Rank: i % 11, FinalHiddenL2: 1 / float64(i+1)}
			if i%7 == 0 {
				*e.Effect = results.Effect{} // a group whose blocking changes nothing
			}
			if numMetrics > 0 {
				e.Metrics = make([]float64, numMetrics)
				for m := range e.Metrics {
					e.Metrics[m] = math.NaN()
				}
			}
			out = append(out, e)
		}
	}
	return out
}

// TestEffectRoundTrip: a file with the effect columns has them right after
// the fixed ones, and the effect rows (and the null effect columns of the
// others) read back exactly, in Parquet and CSV.
func TestEffectRoundTrip(t *testing.T) {
	t.Parallel()
	for _, metrics := range [][]string{nil, {"kl_div", "Rank2"}} {
		rows := effectRows(3000, len(metrics))
		opts := results.Options{Formats: []results.Format{results.FormatParquet, results.FormatCSV}, MetricColumns: metrics, Effect: true, RowGroupRows: 1000}
		base := filepath.Join(t.TempDir(), "effect")
		for _, p := range writeRows(t, base, opts, rows, 257) {
			got, meta, err := results.Read(p)
			if err != nil {
				t.Fatalf("Read(%s): %v", p, err)
			}
			assertRowsEqual(t, got, rows)
			want := slices.Concat(results.FixedColumns(), results.EffectColumns(), metrics)
			if !meta.Effect || !slices.Equal(meta.Columns, want) || !slices.Equal(meta.MetricColumns, metrics) {
				t.Errorf("%s: effect %t, columns %v, metric columns %v; want true, %v, %v", p, meta.Effect, meta.Columns, meta.MetricColumns, want, metrics)
			}
		}
	}
}

// TestEffectValidation: effect values only on Effect_W{k} rows of a file
// with the effect columns; the Effect_W prefix is reserved; effect column
// names are taken in such a file.
func TestEffectValidation(t *testing.T) {
	t.Parallel()
	base := genRows(1, 0, 3)[0]
	tests := []struct {
		name   string
		effect bool
		edit   func(r *results.Row)
		want   error
	}{
		{"effect row without values", true, func(r *results.Row) { r.Variant = "Effect_W2" }, results.ErrInvalidRow},
		{"values on a Full row", true, func(r *results.Row) { r.Effect = &results.Effect{} }, results.ErrInvalidRow},
		{"values in a file without the columns", false, func(r *results.Row) { r.Variant, r.Effect = "Effect_W1", &results.Effect{} }, results.ErrInvalidRow},
		{"negative rank", true, func(r *results.Row) { r.Variant, r.Effect = "Effect_W1", &results.Effect{Rank: -1} }, results.ErrInvalidRow},
		{"window 0", true, func(r *results.Row) { r.Variant, r.Effect = "Effect_W0", &results.Effect{} }, results.ErrInvalidVariant},
		{"leading zero", true, func(r *results.Row) { r.Variant, r.Effect = "Effect_W01", &results.Effect{} }, results.ErrInvalidVariant},
		{"plugin name under the prefix", false, func(r *results.Row) { r.Variant = "Effect_Wide" }, results.ErrInvalidVariant},
		{"plugin name beside it", false, func(r *results.Row) { r.Variant = "Effect_total" }, nil},
		{"an effect row", true, func(r *results.Row) { r.Variant, r.Effect = "Effect_W12", &results.Effect{Rank: 3} }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := results.Create(filepath.Join(t.TempDir(), "out"), results.Options{Effect: tt.effect})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = w.Abort() })
			r := base
			tt.edit(&r)
			if err := w.Write([]results.Row{r}); !errors.Is(err, tt.want) && !(tt.want == nil && err == nil) {
				t.Errorf("Write: %v, want %v", err, tt.want)
			}
		})
	}
	for _, name := range results.EffectColumns() {
		if _, err := results.Create(filepath.Join(t.TempDir(), "out"), results.Options{Effect: true, MetricColumns: []string{name}}); !errors.Is(err, results.ErrInvalidColumn) {
			t.Errorf("metric column %q in a file with effect columns: %v, want ErrInvalidColumn", name, err)
		}
		w, err := results.Create(filepath.Join(t.TempDir(), "out"), results.Options{MetricColumns: []string{name}})
		if err != nil {
			t.Errorf("metric column %q in a file without effect columns: %v", name, err)
			continue
		}
		_ = w.Abort()
	}
	if k, ok := results.EffectWindow("Effect_W9"); !ok || k != 9 {
		t.Errorf("EffectWindow(Effect_W9) = %d, %t", k, ok)
	}
	for _, v := range []string{"Full", "Effect_W", "Effect_W0", "Effect_Wx", "Head_1"} {
		if _, ok := results.EffectWindow(v); ok {
			t.Errorf("EffectWindow(%q) ok", v)
		}
	}
}
