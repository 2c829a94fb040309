package golden

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCopyMatchesReference: the repository's golden data is a byte-for-byte
// copy of the reference data sets beside the repository, when they are
// there (CI has them; a fresh clone alone still runs every golden test on
// the copy). testdata/golden is ../shared/golden plus the cases FromNext
// lists, each compared with its reference copy (../shared/golden-next/NAME,
// or ../shared/golden/NAME once the reference set moves it);
// testdata/golden-next is ../shared/golden-next without those cases.
func TestCopyMatchesReference(t *testing.T) {
	t.Run("golden", func(t *testing.T) {
		shared, ok := SharedDir("golden")
		if !ok {
			t.Skip("no reference data set beside the repository to compare the copy with")
		}
		compareTrees(t, Dir(t), shared, FromNext())
		next, nextOK := SharedDir("golden-next")
		for _, name := range FromNext() {
			ref := filepath.Join(shared, name)
			if _, err := os.Stat(ref); err != nil {
				if !nextOK {
					t.Errorf("%s: no reference copy in %s, and no golden-next beside it", name, shared)
					continue
				}
				ref = filepath.Join(next, name)
			}
			compareTrees(t, filepath.Join(Dir(t), name), ref, nil)
		}
	})
	t.Run("golden-next", func(t *testing.T) {
		shared, ok := SharedDir("golden-next")
		if !ok {
			t.Skip("no reference data set beside the repository to compare the copy with")
		}
		compareTrees(t, NextDir(t), shared, FromNext())
	})
}

// compareTrees checks that repo holds exactly shared's files, byte for
// byte (besides its provenance note), leaving out the top-level entries
// named in skip on both sides.
func compareTrees(t *testing.T, repo, shared string, skip []string) {
	t.Helper()
	where := func(rel string) string { return filepath.Join(filepath.Base(repo), rel) }
	skipped := func(rel string) bool {
		top, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
		return slices.Contains(skip, top)
	}
	n := 0
	err := filepath.WalkDir(shared, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(shared, path)
		if err != nil {
			return err
		}
		if skipped(rel) {
			return nil
		}
		want, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(filepath.Join(repo, rel))
		if err != nil {
			t.Errorf("%s: missing from the repository's copy: %v", where(rel), err)
			return nil
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the repository's copy differs from the reference", where(rel))
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(repo, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(repo, path)
		if rel == ProvenanceFile || skipped(rel) {
			return nil
		}
		if _, err := os.Stat(filepath.Join(shared, rel)); err != nil {
			t.Errorf("%s: in the repository's copy but not in the reference", where(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d files equal to %s", repo, n, shared)
}
