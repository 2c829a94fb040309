package batchconfig

import (
	"fmt"
	"strings"
	"unicode"
)

// maxNameBytes bounds a prompt name: it becomes a file name with an
// extension and, while written, a temporary suffix, under the usual limit
// of 255 bytes.
const maxNameBytes = 200

// ValidName checks that a prompt name can name its output file inside the
// output directory: a single file name — no path separator (/ or \, on
// every system, since batch files travel), not "." or "..", no control
// character — of at most maxNameBytes bytes.
func ValidName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty name")
	case name == "." || name == "..":
		return fmt.Errorf("name %q: it names a directory, not a file", name)
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("name %q: contains a path separator (the name becomes a file name in the output directory)", name)
	case strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Errorf("name %q: contains a control character", name)
	case len(name) > maxNameBytes:
		return fmt.Errorf("name %.20q...: %d bytes, at most %d", name, len(name), maxNameBytes)
	}
	return nil
}
