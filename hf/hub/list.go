package hub

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// CachedModel is one snapshot in the cache that vlmask can load: it has
// config.json and all its safetensors weights.
type CachedModel struct {
	// ID is ORG/NAME.
	ID string `json:"id"`
	// Commit is the snapshot's commit hash.
	Commit string `json:"commit"`
	// Refs are the branches and tags (refs/…) that point at Commit, sorted;
	// empty for a snapshot only reachable by its hash.
	Refs []string `json:"refs"`
	// Dir is the snapshot directory, what --model resolves to.
	Dir string `json:"dir"`
	// Size is the bytes of the snapshot's files (each blob once).
	Size int64 `json:"size_bytes"`
	// ModelType is config.json's model_type, the model family.
	ModelType string `json:"model_type"`
}

// List returns the loadable snapshots in a hub cache directory, sorted by
// id, then main's snapshot, other refs' and unnamed ones. Incomplete
// snapshots (a download in progress, a transformers cache holding only a
// config) and other repositories (datasets, spaces, pickle-only models) are
// left out. A cache that does not exist yet holds nothing.
func List(cacheDir string) ([]CachedModel, error) {
	entries, err := os.ReadDir(cacheDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, cacheErr("list the cache", err)
	}
	var out []CachedModel
	for _, e := range entries {
		id, ok := idFromFolder(e.Name())
		if !ok || !e.IsDir() {
			continue
		}
		c := newRepoCache(cacheDir, id)
		refs := readRefs(c)
		snaps, _ := os.ReadDir(filepath.Join(c.dir(), "snapshots"))
		for _, s := range snaps {
			dir := c.snapshot(s.Name())
			if !IsCommit(s.Name()) || snapshotComplete(dir) != nil {
				continue
			}
			out = append(out, CachedModel{
				ID: id.String(), Commit: s.Name(), Refs: refs[s.Name()], Dir: dir,
				Size: snapshotSize(dir), ModelType: modelType(dir),
			})
		}
	}
	slices.SortFunc(out, func(a, b CachedModel) int {
		if c := strings.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		if c := refRank(a) - refRank(b); c != 0 {
			return c
		}
		if len(a.Refs) > 0 && len(b.Refs) > 0 {
			if c := strings.Compare(a.Refs[0], b.Refs[0]); c != 0 {
				return c
			}
		}
		return strings.Compare(a.Commit, b.Commit)
	})
	return out, nil
}

// refRank orders snapshots: main's first, then other refs', then those no
// ref points to.
func refRank(m CachedModel) int {
	switch {
	case slices.Contains(m.Refs, DefaultRevision):
		return 0
	case len(m.Refs) > 0:
		return 1
	}
	return 2
}

// readRefs maps each commit to the refs (refs/main, refs/refs/pr/1, …)
// that hold it.
func readRefs(c repoCache) map[string][]string {
	refs := map[string][]string{}
	root := filepath.Join(c.dir(), "refs")
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		name := filepath.ToSlash(rel)
		if commit, err := c.readRef(name); err == nil && commit != "" {
			refs[commit] = append(refs[commit], name)
		}
		return nil
	})
	for _, r := range refs {
		slices.Sort(r)
	}
	return refs
}

// snapshotSize adds up the sizes of the files a snapshot links to,
// counting a blob that two names share once.
func snapshotSize(dir string) int64 {
	seen := map[string]bool{}
	var total int64
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		real, err := filepath.EvalSymlinks(path)
		if err != nil || seen[real] {
			return nil
		}
		seen[real] = true
		if st, err := os.Stat(real); err == nil && st.Mode().IsRegular() {
			total += st.Size()
		}
		return nil
	})
	return total
}

// modelType reads config.json's model_type; "" when it has none.
func modelType(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if err != nil {
		return ""
	}
	var cfg struct {
		ModelType string `json:"model_type"`
	}
	_ = json.Unmarshal(b, &cfg)
	return cfg.ModelType
}
