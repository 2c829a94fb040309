//go:build !linux

package decoder

// availableMemory is unknown outside Linux; the check is skipped.
func availableMemory() (uint64, bool) { return 0, false }
