//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// lockExclusive takes an exclusive, non-blocking advisory lock on f, held
// until f is closed or its process dies (so a killed shard never leaves
// its manifest locked). It reports ErrShardBusy when another open file
// holds it. Over NFS, Linux maps flock onto the server's byte-range locks.
func lockExclusive(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrShardBusy
	}
	return err
}
