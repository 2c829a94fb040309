package sdk

import (
	"fmt"
	"slices"
)

// ValidateMask checks a strategy's response against the sequence it was
// given: every group has at least one position, and its positions are
// strictly ascending (so no duplicates) and in [0, len(seq.Tokens)).
// Groups may overlap one another. The error names the group and wraps
// ErrInvalidOutput. The host applies it to every strategy, in process or
// not.
func ValidateMask(seq Sequence, resp MaskResponse) error {
	n := len(seq.Tokens)
	for i, g := range resp.Groups {
		if len(g.Positions) == 0 {
			return fmt.Errorf("group %d %q: no positions: %w", i, g.Label, ErrInvalidOutput)
		}
		for k, p := range g.Positions {
			if p < 0 || p >= n {
				return fmt.Errorf("group %d %q: position %d out of range [0, %d): %w", i, g.Label, p, n, ErrInvalidOutput)
			}
			if k == 0 {
				continue
			}
			switch prev := g.Positions[k-1]; {
			case p == prev:
				return fmt.Errorf("group %d %q: duplicate position %d: %w", i, g.Label, p, ErrInvalidOutput)
			case p < prev:
				return fmt.Errorf("group %d %q: positions not ascending (%d after %d): %w", i, g.Label, p, prev, ErrInvalidOutput)
			}
		}
	}
	return nil
}

// ValidateScore checks a metric's response against its request: every
// column has a non-empty name, appears once, and has exactly
// len(req.Batches)·len(req.Groups) values. The error names the column and
// wraps ErrInvalidOutput.
func ValidateScore(req ScoreRequest, resp ScoreResponse) error {
	want := len(req.Batches) * len(req.Groups)
	for i, c := range resp.Columns {
		if c.Name == "" {
			return fmt.Errorf("column %d: empty name: %w", i, ErrInvalidOutput)
		}
		for _, prev := range resp.Columns[:i] {
			if prev.Name == c.Name {
				return fmt.Errorf("column %q: returned twice: %w", c.Name, ErrInvalidOutput)
			}
		}
		if c.Values != nil && c.Values64 != nil && len(c.Values) != len(c.Values64) {
			return fmt.Errorf("column %q: %d float32 values but %d float64 values: %w", c.Name, len(c.Values), len(c.Values64), ErrInvalidOutput)
		}
		if n := c.len(); n != want {
			return fmt.Errorf("column %q: %d values, want %d (%d batches × %d groups): %w",
				c.Name, n, want, len(req.Batches), len(req.Groups), ErrInvalidOutput)
		}
	}
	return nil
}

// ValidateColumns checks that a metric returned only the columns it
// declared in its Description. The error names the column and wraps
// ErrInvalidOutput.
func ValidateColumns(d Description, resp ScoreResponse) error {
	for _, c := range resp.Columns {
		if !slices.Contains(d.Columns, c.Name) {
			return fmt.Errorf("column %q: not declared by metric %q (declared: %v): %w", c.Name, d.Name, d.Columns, ErrInvalidOutput)
		}
	}
	return nil
}

// ValidateScoreRequest checks a request's shape: each batch has a positive
// Dim, Dim baseline values and len(Groups)·Dim masked values, in each
// precision it carries (at least one). Metrics may call it before reading
// the vectors; the error wraps ErrInvalidRequest.
func ValidateScoreRequest(req ScoreRequest) error {
	g := len(req.Groups)
	for _, b := range req.Batches {
		if b.Dim <= 0 {
			return fmt.Errorf("batch %q: dim %d: %w", b.Variant, b.Dim, ErrInvalidRequest)
		}
		has32 := b.Baseline != nil || b.Masked != nil
		has64 := b.Baseline64 != nil || b.Masked64 != nil
		if has32 || !has64 {
			if err := checkBatchLengths(b.Variant, "", len(b.Baseline), len(b.Masked), b.Dim, g); err != nil {
				return err
			}
		}
		if has64 {
			if err := checkBatchLengths(b.Variant, "float64 ", len(b.Baseline64), len(b.Masked64), b.Dim, g); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkBatchLengths(variant, precision string, baseline, masked, dim, groups int) error {
	if baseline != dim {
		return fmt.Errorf("batch %q: %d %sbaseline values, want %d: %w", variant, baseline, precision, dim, ErrInvalidRequest)
	}
	if masked != groups*dim {
		return fmt.Errorf("batch %q: %d %smasked values, want %d (%d groups × %d): %w", variant, masked, precision, groups*dim, groups, dim, ErrInvalidRequest)
	}
	return nil
}
