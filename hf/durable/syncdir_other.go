//go:build !unix

package durable

// SyncDir does nothing where a directory cannot be opened for syncing
// (Windows): the rename itself is atomic, and the file system's journal
// makes it durable.
func SyncDir(string) error { return nil }
