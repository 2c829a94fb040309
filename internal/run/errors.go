package run

import (
	"context"
	"errors"
	"fmt"
)

// Kind classifies what went wrong, so a front end can map errors to exit
// codes without knowing where they came from.
type Kind int

const (
	// KindRuntime: ONNX Runtime is missing or failed, or the error is
	// unclassified.
	KindRuntime Kind = iota
	// KindUsage: the settings are invalid.
	KindUsage
	// KindInput: the model, an image, the prompt or a config file is
	// unusable.
	KindInput
	// KindPlugin: a plugin is missing, incompatible or failed.
	KindPlugin
	// KindOutput: results could not be written.
	KindOutput
)

// Error is an error with its Kind.
type Error struct {
	Kind Kind
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// withKind tags err with a kind unless it already has one or is nil.
func withKind(k Kind, err error) error {
	if err == nil {
		return nil
	}
	var re *Error
	if errors.As(err, &re) {
		return err
	}
	return &Error{Kind: k, Err: err}
}

// usage is a KindUsage error.
func usage(format string, args ...any) error {
	return &Error{Kind: KindUsage, Err: fmt.Errorf(format, args...)}
}

// KindOf is err's kind; KindRuntime when it has none. Cancellation is not
// a kind: callers check context.Canceled first.
func KindOf(err error) Kind {
	var re *Error
	if errors.As(err, &re) {
		return re.Kind
	}
	return KindRuntime
}

// Interrupted says whether err comes from a cancelled context (Ctrl-C).
func Interrupted(err error) bool { return errors.Is(err, context.Canceled) }
