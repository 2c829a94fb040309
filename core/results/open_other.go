//go:build !unix

package results

import "os"

// openNoBlock opens path read-only; OpenRegular has already checked that
// it names a regular file.
func openNoBlock(path string) (*os.File, error) { return os.Open(path) }
