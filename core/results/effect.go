package results

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Names of the effect columns: the propagated knockout's measures of the
// next-token distribution (docs/architecture.md, "The propagated
// knockout"). A file written with Options.Effect has them right after the
// fixed columns, in this order; they are null on every row but the
// Effect_W{k} rows.
const (
	ColumnKL            = "kl"
	ColumnDLogP         = "dlogp"
	ColumnTV            = "tv"
	ColumnArgmaxChanged = "argmax_changed"
	ColumnRank          = "rank"
	ColumnFinalHiddenL2 = "final_hidden_l2"
)

// numEffectColumns is the number of effect columns.
const numEffectColumns = 6

// effectColumns returns the effect columns in file order.
func effectColumns() []column {
	return []column{
		{ColumnKL, kindDouble, true},
		{ColumnDLogP, kindDouble, true},
		{ColumnTV, kindDouble, true},
		{ColumnArgmaxChanged, kindInt64, true},
		{ColumnRank, kindInt64, true},
		{ColumnFinalHiddenL2, kindDouble, true},
	}
}

// EffectColumns returns the names of the effect columns, in file order.
func EffectColumns() []string {
	cols := effectColumns()
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return names
}

// Effect is what blocking the final position's attention to a group at
// layers ℓ … ℓ+k−1 does to the model's output at that position, against the
// unblocked step: p and p′ are the next-token distributions, g the step's
// greedy token.
type Effect struct {
	KL            float64 // kl: KL(p ‖ p′) over the whole vocabulary
	DLogP         float64 // dlogp: log p′(g) − log p(g)
	TV            float64 // tv: ½ Σ |p − p′|
	ArgmaxChanged bool    // argmax_changed: the blocked argmax is not g
	Rank          int     // rank: how many tokens the blocked logits put above g
	FinalHiddenL2 float64 // final_hidden_l2: ‖h′ − h‖ of the final norm's output
}

// VariantEffectPrefix starts the effect variants' names: Effect_W{k} holds
// the propagated knockout over a window of k layers, its layer column
// being the window's first layer.
const VariantEffectPrefix = "Effect_W"

// EffectVariant is the variant name of the propagated knockout over a
// window of k layers.
func EffectVariant(k int) string { return VariantEffectPrefix + strconv.Itoa(k) }

// EffectWindow returns the window of an effect variant's name (Effect_W3:
// 3), and false for every other name.
func EffectWindow(variant string) (int, bool) {
	s, ok := strings.CutPrefix(variant, VariantEffectPrefix)
	if !ok || !isHeadIndex(s) || s == "0" {
		return 0, false
	}
	k, err := strconv.Atoi(s)
	return k, err == nil
}

// hasEffectColumns says whether the names after the fixed columns start
// with the effect columns.
func hasEffectColumns(rest []string) bool {
	return len(rest) >= numEffectColumns && slices.Equal(rest[:numEffectColumns], EffectColumns())
}

// validateEffect checks a row's effect values against its variant and the
// file's layout.
func validateEffect(r *Row, effect bool) error {
	_, isEffect := EffectWindow(r.Variant)
	switch {
	case r.Effect != nil && !effect:
		return fmt.Errorf("variant %s: %w (effect values, but the file has no effect columns: Options.Effect)", r.Variant, ErrInvalidRow)
	case isEffect && r.Effect == nil:
		return fmt.Errorf("variant %s: %w (an effect row without effect values)", r.Variant, ErrInvalidRow)
	case !isEffect && r.Effect != nil:
		return fmt.Errorf("variant %s: %w (effect values on a row that is not an %s{k} row)", r.Variant, ErrInvalidRow, VariantEffectPrefix)
	case r.Effect != nil && r.Effect.Rank < 0:
		return fmt.Errorf("rank %d: %w (negative)", r.Effect.Rank, ErrInvalidRow)
	}
	return nil
}
