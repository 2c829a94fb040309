package golden

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestCopyMatchesReference: the repository's golden data is a byte-for-byte
// copy of the reference data set beside the repository, when that is there
// (CI has it; a fresh clone alone still runs every golden test on the
// copy).
func TestCopyMatchesReference(t *testing.T) {
	for _, set := range []struct {
		name string
		repo func(testing.TB) string
	}{{"golden", Dir}, {"golden-next", NextDir}} {
		t.Run(set.name, func(t *testing.T) {
			shared, ok := SharedDir(set.name)
			if !ok {
				t.Skip("no reference data set beside the repository to compare the copy with")
			}
			compareTrees(t, set.repo(t), shared)
		})
	}
}

// compareTrees checks that repo holds exactly shared's files, byte for
// byte (besides its provenance note).
func compareTrees(t *testing.T, repo, shared string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(shared, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(shared, path)
		if err != nil {
			return err
		}
		want, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(filepath.Join(repo, rel))
		if err != nil {
			t.Errorf("%s: missing from the repository's copy: %v", rel, err)
			return nil
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the repository's copy differs from the reference", rel)
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
		if rel == ProvenanceFile {
			return nil
		}
		if _, err := os.Stat(filepath.Join(shared, rel)); err != nil {
			t.Errorf("%s: in the repository's copy but not in the reference", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files equal to the reference", n)
}
