//go:build windows

package ort

import "fmt"

// openLibrary is not implemented on Windows yet (it needs LoadLibrary and
// GetProcAddress instead of dlopen).
func openLibrary(path string) (uintptr, error) {
	return 0, fmt.Errorf("open %s: %w", path, ErrUnsupportedPlatform)
}

func librarySymbol(uintptr, string) (uintptr, error) { return 0, ErrUnsupportedPlatform }
