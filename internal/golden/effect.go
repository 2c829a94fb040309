package golden

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"
)

// EffectRow is one row of a case's effect_f64.csv: the propagated
// knockout of one position at one start layer and window.
type EffectRow struct {
	Step, StartLayer, Window, Position int
	Token                              string
	KL, DLogP, TV, FinalHiddenL2       float64
	ArgmaxChanged                      bool
	Rank                               int
}

// Effect reads the case's expected propagated-knockout table (float64
// run), in its order: step → start layer → window → position.
func (c Case) Effect(t testing.TB) []EffectRow {
	t.Helper()
	f, err := os.Open(c.Expected("effect_f64.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"generation_step", "start_layer", "window", "token_position", "token_masked", "kl", "dlogp", "tv", "argmax_changed", "rank", "final_hidden_l2"}
	if len(recs) == 0 || len(recs[0]) != len(want) {
		t.Fatalf("effect_f64.csv: header %v, want %v", recs[:min(1, len(recs))], want)
	}
	for i, name := range want {
		if recs[0][i] != name {
			t.Fatalf("effect_f64.csv: column %d is %q, want %q", i, recs[0][i], name)
		}
	}
	var out []EffectRow
	for i, r := range recs[1:] {
		num := func(s string) float64 {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("effect_f64.csv row %d: %v", i+2, err)
			}
			return v
		}
		integer := func(s string) int {
			v, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("effect_f64.csv row %d: %v", i+2, err)
			}
			return v
		}
		out = append(out, EffectRow{
			Step: integer(r[0]), StartLayer: integer(r[1]), Window: integer(r[2]), Position: integer(r[3]), Token: r[4],
			KL: num(r[5]), DLogP: num(r[6]), TV: num(r[7]), ArgmaxChanged: integer(r[8]) == 1, Rank: integer(r[9]), FinalHiddenL2: num(r[10]),
		})
	}
	return out
}

// EffectTolerance is tolerance.json's effect block: tol_abs per float
// column (and for the blocked logits, which decide the integer columns'
// stability), and the rows whose argmax_changed and rank may differ.
type EffectTolerance struct {
	KL            Quantity `json:"kl"`
	DLogP         Quantity `json:"dlogp"`
	TV            Quantity `json:"tv"`
	FinalHiddenL2 Quantity `json:"final_hidden_l2"`
	Logits        Quantity `json:"logits"`
	// UnstableRows are [generation_step, start_layer, window,
	// token_position]: rows whose deciding logit gap is within twice the
	// logits' tolerance, so their integer columns are not compared.
	UnstableRows [][4]int `json:"unstable_rows"`
}

// Unstable says whether the row's integer columns may differ.
func (e EffectTolerance) Unstable(r EffectRow) bool {
	for _, u := range e.UnstableRows {
		if u == [4]int{r.Step, r.StartLayer, r.Window, r.Position} {
			return true
		}
	}
	return false
}
