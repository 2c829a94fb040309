package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vlmask/vlmask/internal/run"
)

// Exit codes. Every error a command returns is classified into one of
// these; the README documents them.
const (
	ExitOK          = 0
	ExitRuntime     = 1 // ONNX Runtime missing or failing, or any unclassified error
	ExitUsage       = 2 // bad flags or arguments
	ExitInput       = 3 // the model, image, prompt or config file is unusable
	ExitPlugin      = 4 // a plugin is missing, incompatible or failed
	ExitOutput      = 5 // results could not be written
	ExitInterrupted = 130
)

// exitError carries an exit code with an error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// withCode tags err with an exit code unless it already has one.
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	return &exitError{code: code, err: err}
}

// kindCodes are the exit codes of internal/run's error kinds.
var kindCodes = map[run.Kind]int{
	run.KindRuntime: ExitRuntime, run.KindUsage: ExitUsage, run.KindInput: ExitInput,
	run.KindPlugin: ExitPlugin, run.KindOutput: ExitOutput,
}

// exitCode picks the exit code for an error returned by a command.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	if run.Interrupted(err) {
		return ExitInterrupted
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return kindCodes[run.KindOf(err)]
}

// printError writes err as one line to w.
func printError(w io.Writer, err error) {
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	fmt.Fprintf(w, "vlmask: %s\n", msg)
}
