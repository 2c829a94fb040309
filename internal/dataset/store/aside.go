package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// asideDir is the model's directory of files moved out of the dataset.
const asideDir = "aside"

// MoveAside moves a file out of the dataset into the model's aside
// directory — keeping its path below the model's partition, with the time
// and ".aside" added — so that no reader of the dataset sees it and nothing
// is deleted: an incomplete part of an interrupted row, a file a killed
// run's recovery wrote, a second copy of a finished row. It returns the new
// path.
func (s *Store) MoveAside(path string) (string, error) {
	rel, err := filepath.Rel(s.dir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("move aside %q: not inside %s", path, s.dir)
	}
	rel = strings.TrimPrefix(rel, KeyModel+"="+s.model+string(filepath.Separator))
	stamp := time.Now().UTC().Format("20060102T150405.000000000Z")
	dest := s.controlPath(asideDir, rel+"."+stamp+".aside")
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return "", fmt.Errorf("move aside %q: %w", path, err)
	}
	if err := os.Rename(path, dest); err != nil {
		return "", fmt.Errorf("move aside %q: %w", path, err)
	}
	return dest, nil
}

// countAside counts the files in a model's aside directory.
func countAside(dir string) int {
	n := 0
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}
