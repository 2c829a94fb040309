package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/vlmask/vlmask/internal/dataset"
)

// Entry is a file in a partition directory.
type Entry struct {
	// Path is the file's path; Rel the same relative to the output
	// directory, with forward slashes.
	Path, Rel string
	MaskMode  string
	// ID is the row id the file's name gives, when it is named as a part
	// (part-<id>.parquet); "" otherwise.
	ID string
	// Temp says the file is a results writer's hidden temporary file: a
	// writer at work, or one a killed run left.
	Temp bool
}

// PartID is the row id in a part's file name, if name is one.
func PartID(name string) (string, bool) {
	if !strings.HasPrefix(name, partPrefix) || !strings.HasSuffix(name, partExt) {
		return "", false
	}
	id := strings.TrimSuffix(strings.TrimPrefix(name, partPrefix), partExt)
	if dataset.ValidateID(id) != nil {
		return "", false
	}
	return id, true
}

// ShardEntries lists the files in the shard's partition directories of
// every mask mode.
func (s *Store) ShardEntries(shard dataset.Shard) ([]Entry, error) {
	modelDir := filepath.Join(s.dir, KeyModel+"="+s.model)
	modes, err := os.ReadDir(modelDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %q: %w", modelDir, err)
	}
	var out []Entry
	for _, m := range modes {
		mode, ok := strings.CutPrefix(m.Name(), KeyMaskMode+"=")
		if !ok || !m.IsDir() {
			continue
		}
		dir := s.PartitionDir(mode, shard)
		files, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list %q: %w", dir, err)
		}
		for _, f := range files {
			if !f.Type().IsRegular() {
				continue
			}
			out = append(out, s.entry(filepath.Join(dir, f.Name()), mode))
		}
	}
	return out, nil
}

func (s *Store) entry(path, mode string) Entry {
	name := filepath.Base(path)
	rel, _ := filepath.Rel(s.dir, path)
	e := Entry{Path: path, Rel: filepath.ToSlash(rel), MaskMode: mode}
	e.ID, _ = PartID(name)
	e.Temp = strings.HasPrefix(name, "."+partPrefix) && strings.Contains(name, ".tmp-")
	return e
}
