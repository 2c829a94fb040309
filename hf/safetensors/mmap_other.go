//go:build !unix

package safetensors

import (
	"fmt"
	"os"
)

// mapFile reads the whole file at path into memory, on systems where this
// package does not memory-map. The release function drops nothing: the
// garbage collector frees the bytes once the File is unreachable.
func mapFile(path string) ([]byte, func() error, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("not a regular file: %w", ErrCorrupt)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return b, func() error { return nil }, nil
}
