package sdk_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/sdk"
)

func seqOf(n int) sdk.Sequence {
	return sdk.Sequence{Tokens: make([]sdk.Token, n)}
}

func TestValidateMask(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		groups  []sdk.Group
		wantErr string // "" when valid
	}{
		"no groups":           {groups: nil},
		"singletons":          {groups: []sdk.Group{{Label: "a", Positions: []int{0}}, {Label: "b", Positions: []int{4}}}},
		"overlapping groups":  {groups: []sdk.Group{{Positions: []int{0, 1, 2}}, {Positions: []int{1, 2}}}},
		"empty group":         {groups: []sdk.Group{{Label: "x"}}, wantErr: `group 0 "x": no positions`},
		"past the end":        {groups: []sdk.Group{{Positions: []int{0}}, {Label: "y", Positions: []int{5}}}, wantErr: `group 1 "y": position 5 out of range [0, 5)`},
		"negative":            {groups: []sdk.Group{{Positions: []int{-1}}}, wantErr: "position -1 out of range"},
		"duplicate in group":  {groups: []sdk.Group{{Positions: []int{1, 1}}}, wantErr: "duplicate position 1"},
		"descending in group": {groups: []sdk.Group{{Positions: []int{3, 2}}}, wantErr: "not ascending (2 after 3)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := sdk.ValidateMask(seqOf(5), sdk.MaskResponse{Groups: tc.groups})
			checkErr(t, err, tc.wantErr, sdk.ErrInvalidOutput)
		})
	}
}

func TestValidateScore(t *testing.T) {
	t.Parallel()
	req := sdk.ScoreRequest{
		Groups:  []sdk.Group{{Positions: []int{0}}, {Positions: []int{1}}},
		Batches: []sdk.VectorBatch{{Variant: "Full"}, {Variant: "Attn"}, {Variant: "Head_0"}},
	}
	tests := map[string]struct {
		cols    []sdk.Column
		wantErr string
	}{
		"right count":  {cols: []sdk.Column{{Name: "a", Values: make([]float32, 6)}, {Name: "b", Values: make([]float32, 6)}}},
		"no columns":   {},
		"short column": {cols: []sdk.Column{{Name: "a", Values: make([]float32, 5)}}, wantErr: `column "a": 5 values, want 6 (3 batches × 2 groups)`},
		"duplicate":    {cols: []sdk.Column{{Name: "a", Values: make([]float32, 6)}, {Name: "a", Values: make([]float32, 6)}}, wantErr: `column "a": returned twice`},
		"unnamed":      {cols: []sdk.Column{{Values: make([]float32, 6)}}, wantErr: "column 0: empty name"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkErr(t, sdk.ValidateScore(req, sdk.ScoreResponse{Columns: tc.cols}), tc.wantErr, sdk.ErrInvalidOutput)
		})
	}
}

func TestValidateColumns(t *testing.T) {
	t.Parallel()
	d := sdk.Description{Name: "m", Columns: []string{"l2_distance"}}
	checkErr(t, sdk.ValidateColumns(d, sdk.ScoreResponse{Columns: []sdk.Column{{Name: "l2_distance"}}}), "", sdk.ErrInvalidOutput)
	checkErr(t, sdk.ValidateColumns(d, sdk.ScoreResponse{Columns: []sdk.Column{{Name: "other"}}}),
		`column "other": not declared by metric "m"`, sdk.ErrInvalidOutput)
}

func TestValidateScoreRequest(t *testing.T) {
	t.Parallel()
	groups := []sdk.Group{{Positions: []int{0}}, {Positions: []int{1}}}
	tests := map[string]struct {
		batch   sdk.VectorBatch
		wantErr string
	}{
		"good":         {batch: sdk.VectorBatch{Variant: "Full", Dim: 2, Baseline: make([]float32, 2), Masked: make([]float32, 4)}},
		"zero dim":     {batch: sdk.VectorBatch{Variant: "Full"}, wantErr: `batch "Full": dim 0`},
		"bad baseline": {batch: sdk.VectorBatch{Variant: "Attn", Dim: 2, Baseline: make([]float32, 3), Masked: make([]float32, 4)}, wantErr: "3 baseline values, want 2"},
		"short masked": {batch: sdk.VectorBatch{Variant: "Head_1", Dim: 2, Baseline: make([]float32, 2), Masked: make([]float32, 3)}, wantErr: "3 masked values, want 4 (2 groups × 2)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := sdk.ValidateScoreRequest(sdk.ScoreRequest{Groups: groups, Batches: []sdk.VectorBatch{tc.batch}})
			checkErr(t, err, tc.wantErr, sdk.ErrInvalidRequest)
		})
	}
}

func checkErr(t *testing.T, err error, want string, sentinel error) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want it to contain %q", err, want)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("error %q does not wrap %v", err, sentinel)
	}
}
