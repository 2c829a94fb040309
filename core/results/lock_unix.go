//go:build unix

package results

import (
	"errors"
	"os"
	"syscall"
)

// closeBeforeRename is false: a Unix file can be renamed while open.
const closeBeforeRename = false

// lockFile takes an exclusive, non-blocking advisory lock on f, held until
// f is closed (or its process dies). It fails with errLocked when another
// open file description holds it.
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}
