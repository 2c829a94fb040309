package run

import (
	"errors"
	"fmt"

	"github.com/vlmask/vlmask/core/results"
)

// CheckOutput refuses, before anything loads, an output base whose files
// a run with these settings may not replace (results.ErrExists, KindOutput).
func CheckOutput(base string, set Settings) error {
	return outputError(results.CheckReplace(base, set.Formats, set.Replace))
}

// outputError gives a results error its kind, and a refusal to replace a
// complete file the ways out.
func outputError(err error) error {
	if errors.Is(err, results.ErrExists) {
		return withKind(KindOutput, fmt.Errorf("%w: pass --force to replace it, or --output to write elsewhere", err))
	}
	return withKind(KindOutput, err)
}
