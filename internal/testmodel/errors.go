package testmodel

import "errors"

// Sentinel errors; wrapped errors from this package match them with
// errors.Is.
var (
	// ErrInvalidOptions reports Options that name an unknown family,
	// preset or dtype, or ask for an impossible combination (a negative
	// layer count, a vision tower for a text-only family).
	ErrInvalidOptions = errors.New("invalid test model options")
	// ErrDirNotEmpty reports an output directory that holds files other
	// than a previous testmodel output, which Generate refuses to touch.
	ErrDirNotEmpty = errors.New("output directory is not empty")
)
