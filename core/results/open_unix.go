//go:build unix

package results

import (
	"os"
	"syscall"
)

// openNoBlock opens path read-only with O_NONBLOCK, so opening a FIFO does
// not wait for a writer; OpenRegular refuses it right after. For a regular
// file the flag changes nothing.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
