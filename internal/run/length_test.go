package run

import (
	"testing"

	"github.com/vlmask/vlmask/hf/processor"
)

func TestPositionsNeeded(t *testing.T) {
	oneD := &processor.Input{IDs: make([]int, 5), Positions: [3][]int64{{0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}}}
	// An MRoPE prompt: two text tokens, a 2×2 image at one temporal
	// position, two text tokens; generated tokens continue from 5.
	mrope := &processor.Input{IDs: make([]int, 8), RopeDelta: -2, Positions: [3][]int64{
		{0, 1, 2, 2, 2, 2, 4, 5}, {0, 1, 2, 2, 3, 3, 4, 5}, {0, 1, 2, 3, 2, 3, 4, 5},
	}}
	tests := map[string]struct {
		in    *processor.Input
		steps int
		want  int
	}{
		"1-D, one step":    {in: oneD, steps: 1, want: 5},
		"1-D, three steps": {in: oneD, steps: 3, want: 7}, // the last step feeds 2 generated tokens
		"MRoPE, one step":  {in: mrope, steps: 1, want: 6},
		"MRoPE, 4 steps":   {in: mrope, steps: 4, want: 9}, // 8+4-2-2 = position 8
		"no position rows": {in: &processor.Input{IDs: make([]int, 3)}, steps: 2, want: 4},
	}
	for name, tc := range tests {
		if got := PositionsNeeded(tc.in, tc.steps); got != tc.want {
			t.Errorf("%s: PositionsNeeded = %d, want %d", name, got, tc.want)
		}
	}
}
