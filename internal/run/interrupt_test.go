package run

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestInterruptMessages: an interrupted run says what it kept, never
// "context canceled", and stays an interruption (exit 130).
func TestInterruptMessages(t *testing.T) {
	runErr := fmt.Errorf("step 2 layer 1: %w", context.Canceled)
	single := stopped(runErr, &Summary{Steps: 2, Rows: 840, Paths: []string{"output/cut.parquet"}}, 3, 210)
	beside := stopped(runErr, &Summary{Steps: 1, Rows: 420, Paths: []string{"output/w.incomplete.parquet"}, NotReplaced: []string{"output/w.parquet"}}, 3, 5)
	batch := batchInterrupted([]*Summary{{Name: "a"}, {Name: "b", Error: "x"}, {Name: "c", Error: "y"}}, 5, beside)
	between := batchInterrupted([]*Summary{{Name: "a"}}, 3, nil)
	tests := map[string]struct {
		err  error
		want string
	}{
		"single run": {single, "interrupted: kept the 2 finished steps of 3 (840 rows) in output/cut.parquet, marked incomplete; dropped the 210 rows of the step in progress"},
		"beside a complete file": {beside, "interrupted: kept the 1 finished step of 3 (420 rows) in output/w.incomplete.parquet (beside output/w.parquet, which was already there and is kept), " +
			"marked incomplete; dropped the 5 rows of the step in progress"},
		"in a batch":            {batch, "interrupted after 1 of 5 prompts finished; prompt c: kept the 1 finished step of 3"},
		"between prompts":       {between, "interrupted after 1 of 3 prompts finished"},
		"before the first step": {interruptedEarly(), "interrupted before the first step finished: nothing written"},
		"anywhere else":         {fmt.Errorf("load: %w", context.Canceled), "interrupted (Ctrl-C or SIGTERM) before any result was written"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			msg := InterruptMessage(tc.err)
			if !strings.HasPrefix(msg, tc.want) || strings.Contains(msg, "context canceled") {
				t.Errorf("message %q, want it to start %q", msg, tc.want)
			}
			if !Interrupted(tc.err) || !errors.Is(tc.err, context.Canceled) {
				t.Errorf("%v is no longer an interruption", tc.err)
			}
		})
	}
	if !strings.HasSuffix(batch.Error(), "; 1 failed before") {
		t.Errorf("batch message %q: want one prompt failed before the interrupted one", batch)
	}
}
