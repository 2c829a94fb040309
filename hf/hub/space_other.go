//go:build !unix

package hub

import (
	"errors"
	"syscall"
)

// isNoSpace reports a full disk.
func isNoSpace(err error) bool { return errors.Is(err, syscall.ENOSPC) }

// freeSpace is unknown here: the download fails when the disk fills.
func freeSpace(string) (int64, bool) { return 0, false }
