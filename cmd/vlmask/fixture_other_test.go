//go:build !unix

package main

// interruptParent does nothing where there are no signals to send; the
// tests that use it are Linux-only.
func interruptParent() {}
