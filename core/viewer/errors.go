package viewer

import "errors"

// Sentinel errors; errors from this package match them with errors.Is.
var (
	// ErrLayout reports a results file whose rows are not in the order
	// vlmask writes them (step, then layer, each (step, layer) one
	// contiguous run of rows).
	ErrLayout = errors.New("results rows not in step/layer order")
	// ErrNotFound reports a step, layer, variant, value column, image or
	// file that is not there.
	ErrNotFound = errors.New("not found")
	// ErrBadRequest reports a query that cannot be answered as asked.
	ErrBadRequest = errors.New("bad request")
	// ErrTooLarge reports a query or an image over the size limits.
	ErrTooLarge = errors.New("too large")
	// ErrFormat reports a results file the viewer cannot read (CSV).
	ErrFormat = errors.New("unsupported results format")
)
