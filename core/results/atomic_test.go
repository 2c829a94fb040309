package results_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

var bothFormats = []results.Format{results.FormatParquet, results.FormatCSV}

// dirEntries lists a directory's names, sorted.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}

func assertMissing(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s exists (stat error %v), want nothing there", p, err)
		}
	}
}

func TestNothingAtFinalPathUntilClose(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := filepath.Join(dir, "run")
	w, err := results.Create(base, results.Options{Formats: bothFormats})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Abort() })
	finals := []string{base + ".parquet", base + ".csv", results.SidecarPath(base + ".csv")}
	if err := w.Write(genRows(500, 0, 1)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	assertMissing(t, finals...)
	if n := len(dirEntries(t, dir)); n != 2 {
		t.Errorf("directory holds %v, want two temporary files", dirEntries(t, dir))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{"run.csv", "run.meta.json", "run.parquet"}
	if got := dirEntries(t, dir); !slices.Equal(got, want) {
		t.Errorf("after Close the directory holds %v, want %v", got, want)
	}
	for _, p := range finals {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o044 == 0 {
			t.Errorf("%s mode %v: not readable by others, as a temporary file would be", p, st.Mode())
		}
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := w.Abort(); err != nil {
		t.Errorf("Abort after Close: %v", err)
	}
	if _, err := os.Stat(finals[0]); err != nil {
		t.Errorf("Abort after Close removed the file: %v", err)
	}
	if err := w.Write(nil); !errors.Is(err, results.ErrClosed) {
		t.Errorf("Write after Close: %v, want ErrClosed", err)
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := filepath.Join(dir, "sub", "run")
	w, err := results.Create(base, results.Options{Formats: bothFormats})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(genRows(100, 0, 1)); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if got := dirEntries(t, filepath.Join(dir, "sub")); len(got) != 0 {
		t.Errorf("after Abort the directory holds %v, want nothing", got)
	}
	if err := w.Abort(); err != nil {
		t.Errorf("second Abort: %v", err)
	}
	if err := w.Close(); !errors.Is(err, results.ErrClosed) {
		t.Errorf("Close after Abort: %v, want ErrClosed", err)
	}
}

// TestAbortKeepsOldFile checks that a failed rerun leaves an earlier
// complete result in place, even one asked to replace it.
func TestAbortKeepsOldFile(t *testing.T) {
	t.Parallel()
	base := filepath.Join(t.TempDir(), "run")
	old := genRows(10, 0, 1)
	writeRows(t, base, results.Options{Formats: bothFormats}, old, 10)
	w, err := results.Create(base, results.Options{Formats: bothFormats, Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(genRows(20, 0, 2)); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{base + ".parquet", base + ".csv"} {
		got, meta, err := results.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		assertRowsEqual(t, got, old)
		if !meta.Complete {
			t.Errorf("%s: old complete file now reads incomplete", p)
		}
	}
}

func TestCompleteWithoutSidecar(t *testing.T) {
	t.Parallel()
	base := filepath.Join(t.TempDir(), "run")
	paths := writeRows(t, base, results.Options{Formats: []results.Format{results.FormatCSV}}, genRows(3, 0, 1), 3)
	if err := os.Remove(results.SidecarPath(paths[0])); err != nil {
		t.Fatal(err)
	}
	if _, err := results.Complete(paths[0]); !errors.Is(err, results.ErrNoMetadata) {
		t.Errorf("Complete without sidecar: %v, want ErrNoMetadata", err)
	}
	if _, err := results.Complete(base + ".txt"); !errors.Is(err, results.ErrUnknownFormat) {
		t.Errorf("Complete(.txt): %v, want ErrUnknownFormat", err)
	}
}

// TestFlushEndsRowGroup checks Flush's documented effect on Parquet: it
// ends the current row group, and a Flush with nothing new adds no empty
// row group.
func TestFlushEndsRowGroup(t *testing.T) {
	t.Parallel()
	base := filepath.Join(t.TempDir(), "run")
	rows := genRows(150, 0, 9)
	w, err := results.Create(base, results.Options{Formats: bothFormats})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Abort() })
	for _, part := range [][]results.Row{rows[:100], nil, rows[100:]} {
		if err := w.Write(part); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.SetProgress(1, true); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := parquetRowGroups(t, base+".parquet"); n != 2 {
		t.Errorf("%d row groups, want 2 (one per Flush that had rows)", n)
	}
	for _, p := range w.Paths() {
		got, _, err := results.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		assertRowsEqual(t, got, rows)
	}
}

// TestCreateRemovesStaleSidecarTemp covers a crash while the sidecar was
// being written.
func TestCreateRemovesStaleSidecarTemp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stale := filepath.Join(dir, ".run.meta.json.tmp-123")
	if err := os.WriteFile(stale, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	writeRows(t, filepath.Join(dir, "run"), results.Options{Formats: []results.Format{results.FormatCSV}}, genRows(3, 0, 1), 3)
	assertMissing(t, stale)
}
