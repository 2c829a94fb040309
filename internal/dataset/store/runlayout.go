package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Layout is what an output directory's model was started with: its shard
// count and the run settings that shape every row's results. Every later
// run into the same model must bring the same, so that the parts of one
// dataset come from one analysis; the mask mode is a partition key of its
// own and may differ between runs.
type Layout struct {
	Shards   int               `json:"shards"`
	Settings map[string]string `json:"settings"`
	// Dataset is the dataset file of the first run, for `vlmask dataset
	// check` to find (not compared).
	Dataset string    `json:"dataset,omitempty"`
	Created time.Time `json:"created"`
}

const layoutName = "layout.json"

// EnsureLayout records want as the model's layout if it has none, else
// checks that want matches the recorded one, failing with
// ErrLayoutMismatch and the differences. Shards starting at the same time
// race safely: the first to link its file wins, the others compare.
func (s *Store) EnsureLayout(want Layout) (Layout, error) {
	p := s.controlPath(layoutName)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return Layout{}, fmt.Errorf("layout %q: %w", p, err)
	}
	have, err := readLayout(p)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createLayout(p, want); err != nil && !errors.Is(err, fs.ErrExist) {
			return Layout{}, err
		}
		have, err = readLayout(p)
	}
	if err != nil {
		return Layout{}, err
	}
	var diffs []string
	if have.Shards != want.Shards {
		diffs = append(diffs, fmt.Sprintf("%d shards, this run %d (a part of an array resubmitted alone? give the shard count: --shards %d or VLMASK_SHARDS=%d)", have.Shards, want.Shards, have.Shards, have.Shards))
	}
	keys := slices.Sorted(maps.Keys(have.Settings))
	for k := range want.Settings {
		if _, ok := have.Settings[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if have.Settings[k] != want.Settings[k] {
			diffs = append(diffs, fmt.Sprintf("%s %q, this run %q", k, have.Settings[k], want.Settings[k]))
		}
	}
	if len(diffs) > 0 {
		return have, fmt.Errorf("%s model=%s: %w: it was started with %s; write to another directory, or delete %s to start this model over (its finished rows are kept)",
			s.dir, s.model, ErrLayoutMismatch, strings.Join(diffs, "; "), p)
	}
	return have, nil
}

// createLayout writes l to p only if p does not exist: through a temporary
// file and a hard link, which fails when another process linked first.
func createLayout(p string, l Layout) error {
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".layout-*")
	if err != nil {
		return fmt.Errorf("layout %q: %w", p, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("layout %q: %w", p, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("layout %q: %w", p, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("layout %q: %w", p, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("layout %q: %w", p, err)
	}
	if err := os.Link(tmp.Name(), p); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("layout %q: %w", p, err)
	}
	return nil
}

func readLayout(p string) (Layout, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return Layout{}, err
	}
	var l Layout
	if err := json.Unmarshal(b, &l); err != nil || l.Shards < 1 {
		return Layout{}, fmt.Errorf("layout %q: not a vlmask layout (%v)", p, err)
	}
	return l, nil
}

// ReadLayout reads the model's layout; ok is false when there is none.
func (s *Store) ReadLayout() (l Layout, ok bool, err error) {
	l, err = readLayout(s.controlPath(layoutName))
	if errors.Is(err, fs.ErrNotExist) {
		return Layout{}, false, nil
	}
	return l, err == nil, err
}
