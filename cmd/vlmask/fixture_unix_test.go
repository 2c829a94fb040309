//go:build unix

package main

import (
	"os"
	"syscall"
)

// interruptParent sends SIGINT to the process that started this one: the
// host, when this runs as a plugin.
func interruptParent() { _ = syscall.Kill(os.Getppid(), syscall.SIGINT) }
