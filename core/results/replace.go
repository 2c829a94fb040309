package results

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// existing is what a final path holds before a writer commits there.
type existing int

const (
	nothing    existing = iota // no file
	incomplete                 // a results file marked incomplete
	kept                       // anything else: a complete results file, or a file vlmask cannot tell is one
)

// what tells what final holds. A file it cannot read as a results file
// counts as one to keep: nothing vlmask cannot account for is replaced
// unseen.
func what(final string) (existing, error) {
	if _, err := os.Lstat(final); errors.Is(err, fs.ErrNotExist) {
		return nothing, nil
	} else if err != nil {
		return kept, err
	}
	if m, err := ReadMeta(final); err == nil && m.HasMetadata && !m.Complete {
		return incomplete, nil
	}
	return kept, nil
}

// mayReplace says whether a run that ended complete (or not) may rename
// its file onto final. A complete run replaces nothing, an incomplete
// file, or — with replace — anything. An interrupted run replaces nothing
// but, with replace, an incomplete file: never a complete one.
func mayReplace(final string, complete, replace bool) bool {
	e, err := what(final)
	switch {
	case err != nil:
		return false
	case e == nothing:
		return true
	case complete:
		return e == incomplete || replace
	}
	return e == incomplete && replace
}

// checkReplace is Create's check: a run that will end complete may write
// final.
func checkReplace(final string, replace bool) error {
	e, err := what(final)
	if err != nil {
		return fmt.Errorf("%s: %w", final, err)
	}
	if e == kept && !replace {
		return fmt.Errorf("%s %w", final, ErrExists)
	}
	return nil
}

// CheckReplace reports, before any work, whether Create would refuse base
// in these formats with ErrExists, so a caller can stop before it loads a
// model.
func CheckReplace(base string, formats []Format, replace bool) error {
	if len(formats) == 0 {
		formats = []Format{FormatParquet}
	}
	for _, f := range formats {
		if err := checkReplace(base+f.Extension(), replace); err != nil {
			return fmt.Errorf("create results %q: %w", base, err)
		}
	}
	return nil
}

// besidePath is where a writer's file goes when mayReplace forbids final:
// BASE.incomplete.EXT for an interrupted run, BASE.new.EXT for a complete
// one (another writer finished there first), with -2, -3 ... added when
// taken.
func besidePath(base string, f Format, complete bool) string {
	if complete {
		return freeName(base+".new", f.Extension())
	}
	return freeName(base+".incomplete", f.Extension())
}
