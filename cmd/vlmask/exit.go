package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vlmask/vlmask/hf/hub"
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
	ExitIncomplete  = 6 // vlmask dataset check: rows missing, duplicated, incomplete or stray
	ExitInterrupted = 130
)

// Exit codes for a model given by Hub id that could not be had (hf/hub).
const (
	ExitNotFound      = 10 // no such model, revision or file on the Hub
	ExitAccess        = 11 // gated or private: licence not accepted, no or wrong token (401/403)
	ExitNetwork       = 12 // the Hub cannot be reached, fails, or answers strangely
	ExitOffline       = 13 // offline mode, and the cache does not hold the model
	ExitChecksum      = 14 // a downloaded file does not match the Hub's checksum
	ExitDiskFull      = 15 // the cache's disk is full (or the cache is not writable)
	ExitNoSafetensors = 16 // the model has no safetensors weights (pickle files are refused)
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

// hubErr tags an error from hf/hub with its class's exit code.
func hubErr(err error) error {
	switch {
	case errors.Is(err, hub.ErrInvalidID):
		return withCode(ExitUsage, err)
	case errors.Is(err, hub.ErrNotFound):
		return withCode(ExitNotFound, err)
	case errors.Is(err, hub.ErrAccess):
		return withCode(ExitAccess, err)
	case errors.Is(err, hub.ErrNetwork), errors.Is(err, hub.ErrBadResponse):
		return withCode(ExitNetwork, err)
	case errors.Is(err, hub.ErrOffline):
		return withCode(ExitOffline, err)
	case errors.Is(err, hub.ErrChecksum):
		return withCode(ExitChecksum, err)
	case errors.Is(err, hub.ErrDiskFull), errors.Is(err, hub.ErrCache):
		return withCode(ExitDiskFull, err)
	case errors.Is(err, hub.ErrNoSafetensors):
		return withCode(ExitNoSafetensors, err)
	}
	return err
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

// printError writes err as one line to w; for an interruption, what the
// run kept rather than "context canceled".
func printError(w io.Writer, err error) {
	msg := err.Error()
	if run.Interrupted(err) {
		msg = run.InterruptMessage(err)
	}
	msg = strings.ReplaceAll(msg, "\n", "; ")
	fmt.Fprintf(w, "vlmask: %s\n", msg)
}
