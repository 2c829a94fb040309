//go:build !unix

package safetensors

// syncDir does nothing where directories cannot be synced (Windows); the
// rename itself is still atomic.
func syncDir(string) error { return nil }
