package run

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// interrupted is the error of a run stopped by Ctrl-C or SIGTERM. It says
// what the run kept instead of "context canceled", and unwraps to
// context.Canceled, so Interrupted holds and the exit code stays 130.
type interrupted struct{ msg string }

func (e *interrupted) Error() string { return e.msg }
func (e *interrupted) Unwrap() error { return context.Canceled }

// InterruptMessage is the one line to print for an interrupted command:
// what an analysis kept, or, where no analysis said, that it was
// interrupted.
func InterruptMessage(err error) string {
	var in *interrupted
	if errors.As(err, &in) {
		return in.msg
	}
	return "interrupted (Ctrl-C or SIGTERM) before any result was written"
}

// stopped is the error of an analysis that wrote rows and then failed or
// was interrupted (runErr): which steps the files keep, where, and what was
// dropped.
func stopped(runErr error, sum *Summary, planned int, dropped int64) error {
	where := strings.Join(sum.Paths, ", ")
	if len(sum.NotReplaced) > 0 {
		where += " (beside " + strings.Join(sum.NotReplaced, ", ") + ", which was already there and is kept)"
	}
	if Interrupted(runErr) {
		return &interrupted{fmt.Sprintf("interrupted: kept %s of %d (%d rows) in %s, marked incomplete; dropped the %d rows of the step in progress",
			finishedSteps(sum.Steps), planned, sum.Rows, where, dropped)}
	}
	return classifyRunError(fmt.Errorf("%w (the %d rows of the %d finished steps are kept in %s, marked incomplete; %d rows of the unfinished step dropped)",
		runErr, sum.Rows, sum.Steps, where, dropped))
}

// finishedSteps says how many steps finished, in words.
func finishedSteps(n int) string {
	if n == 1 {
		return "the 1 finished step"
	}
	return fmt.Sprintf("the %d finished steps", n)
}

// interruptedEarly is an analysis interrupted before any step finished.
func interruptedEarly() error {
	return &interrupted{"interrupted before the first step finished: nothing written"}
}

// batchInterrupted says how far an interrupted batch got: the prompts that
// finished, and what the one in progress kept (last: its error, when the
// interruption stopped a prompt; nil between prompts).
func batchInterrupted(sums []*Summary, total int, last error) error {
	done := 0
	for _, s := range sums {
		if s.Error == "" {
			done++
		}
	}
	msg := fmt.Sprintf("interrupted after %d of %d prompts finished", done, total)
	if last != nil && len(sums) > 0 {
		inner := ": nothing written"
		var in *interrupted
		if errors.As(last, &in) {
			inner = strings.TrimPrefix(in.msg, "interrupted")
		}
		msg += fmt.Sprintf("; prompt %s%s", sums[len(sums)-1].Name, inner)
	}
	if failed := len(sums) - done - btoi(last != nil); failed > 0 {
		msg += fmt.Sprintf("; %d failed before", failed)
	}
	return &interrupted{msg}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
