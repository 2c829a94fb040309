package hub

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// cachedSnapshot finds the snapshot a revision names in the cache — the
// commit itself, or the commit refs/REVISION holds — and checks that it is
// complete enough to load; the error says what is missing.
func cachedSnapshot(c repoCache, revision string) (string, error) {
	commit := revision
	if !IsCommit(revision) {
		var err error
		if commit, err = c.readRef(revision); err != nil {
			return "", err
		}
		if commit == "" {
			return "", fmt.Errorf("no ref %s", c.ref(revision))
		}
	}
	dir := c.snapshot(commit)
	if err := snapshotComplete(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// snapshotComplete checks that a snapshot has config.json and every
// safetensors file of its weights (each shard its index names, else
// model.safetensors), each a file or a link to an existing blob. The other
// front-end files are optional here: the loaders name the one they miss.
func snapshotComplete(dir string) error {
	exists := func(name string) error {
		st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("snapshot %s has no %s", filepath.Base(dir), name)
			}
			return err
		}
		if !st.Mode().IsRegular() {
			return fmt.Errorf("snapshot %s: %s is not a file", filepath.Base(dir), name)
		}
		return nil
	}
	if err := exists(ConfigFile); err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(dir, SafetensorsIndex))
	if errors.Is(err, fs.ErrNotExist) {
		return exists(SafetensorsFile)
	}
	if err != nil {
		return err
	}
	shards, err := parseShards("snapshot "+filepath.Base(dir), data)
	if err != nil {
		return err
	}
	for _, s := range shards {
		if err := exists(s); err != nil {
			return err
		}
	}
	return nil
}
