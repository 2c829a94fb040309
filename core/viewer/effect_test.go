package viewer

import (
	"errors"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// TestEffectRows: the propagated knockout's Effect_W{k} rows, which a run
// writes after each step's layers (a second run of rows for every (step,
// layer)), open as blocks of their own; the viewer colours them by the
// float effect columns, with the step's units, and keeps the local
// variants' queries as they were. A query mixing both kinds is refused.
func TestEffectRows(t *testing.T) {
	t.Parallel()
	const steps, layers, positions = 2, 3, 4
	var rows []results.Row
	kl := func(step, layer, pos, k int) float64 { return float64(1000*step+100*layer+10*pos+k) / 7 }
	for s := 0; s < steps; s++ {
		for l := 0; l < layers; l++ {
			for p := 0; p < positions; p++ {
				rows = append(rows, row(s, l, p, "Full", float64(p+l)), row(s, l, p, "Attn", -1))
			}
		}
		for l := 0; l < layers; l++ {
			for _, k := range []int{1, 3} {
				for p := 0; p < positions; p++ {
					r := row(s, l, p, results.EffectVariant(k), 0.5)
					r.Effect = &results.Effect{KL: kl(s, l, p, k), DLogP: -kl(s, l, p, k), Rank: p}
					rows = append(rows, r)
				}
			}
		}
	}
	base := filepath.Join(t.TempDir(), "r")
	w, err := results.Create(base, results.Options{RowGroupRows: 7, Effect: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.SetProgress(steps, true); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := Open(base + ".parquet")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := f.Summary()
	if want := []string{"Full", "Attn", "Effect_W1", "Effect_W3"}; !slices.Equal(s.Variants, want) {
		t.Errorf("variants %v, want %v", s.Variants, want)
	}
	for _, v := range []string{results.ColumnKL, results.ColumnDLogP, results.ColumnTV, results.ColumnFinalHiddenL2} {
		if !slices.Contains(s.Values, v) {
			t.Errorf("values %v lack %s", s.Values, v)
		}
	}
	for step := 0; step < steps; step++ {
		v, err := f.Values(Query{Step: step, Variants: []string{"Effect_W3", "Effect_W1"}, Value: results.ColumnDLogP})
		if err != nil {
			t.Fatal(err)
		}
		for l := 0; l < layers; l++ {
			for vi, k := range []int{3, 1} {
				for p := 0; p < positions; p++ {
					if got, want := v.At(l, vi, p), -kl(step, l, p, k); got != want {
						t.Errorf("step %d layer %d Effect_W%d position %d: dlogp %v, want %v", step, l, k, p, got, want)
					}
				}
			}
		}
		full, err := f.Values(Query{Step: step, Layers: []int{2}, Variants: []string{"Full"}, Value: results.ColumnKL})
		if err != nil {
			t.Fatal(err)
		}
		for p := 0; p < positions; p++ {
			if !math.IsNaN(full.At(0, 0, p)) {
				t.Errorf("Full rows have kl %v, want null", full.At(0, 0, p))
			}
		}
		l2, err := f.Values(Query{Step: step, Variants: []string{"Full"}, Value: results.ColumnL2Distance})
		if err != nil {
			t.Fatal(err)
		}
		if got := l2.At(2, 0, 3); got != 5 {
			t.Errorf("Full l2 at layer 2 position 3: %v, want 5", got)
		}
	}
	if _, err := f.Values(Query{Step: 0, Variants: []string{"Full", "Effect_W1"}, Value: results.ColumnL2Distance}); !errors.Is(err, ErrBadRequest) {
		t.Errorf("mixed query: %v, want ErrBadRequest", err)
	}
}
