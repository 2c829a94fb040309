package results_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
// complete result in place.
func TestAbortKeepsOldFile(t *testing.T) {
	t.Parallel()
	base := filepath.Join(t.TempDir(), "run")
	old := genRows(10, 0, 1)
	writeRows(t, base, results.Options{Formats: bothFormats}, old, 10)
	w, err := results.Create(base, results.Options{Formats: bothFormats})
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

// TestCrashLeavesOnlyTemp simulates a process that dies mid-run (no Close,
// no Abort): only temporary files remain, Read and Complete see no result,
// and the next Create for the same base removes the leftovers while leaving
// other bases' files alone.
func TestCrashLeavesOnlyTemp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := filepath.Join(dir, "run")
	other := filepath.Join(dir, "other")
	wOther, err := results.Create(other, results.Options{Formats: bothFormats})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = wOther.Abort() })

	crashed, err := results.Create(base, results.Options{Formats: bothFormats})
	if err != nil {
		t.Fatal(err)
	}
	if err := crashed.Write(genRows(300, 0, 1)); err != nil {
		t.Fatal(err)
	}
	if err := crashed.Flush(); err != nil {
		t.Fatal(err)
	}
	// The process "dies" here: crashed is never closed. (The cleanup only
	// releases its file descriptors once the test is over.)
	t.Cleanup(func() { _ = crashed.Abort() })
	assertMissing(t, base+".parquet", base+".csv", results.SidecarPath(base+".csv"))
	for _, p := range []string{base + ".parquet", base + ".csv"} {
		if _, err := results.Complete(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Complete(%s) after a crash: %v, want a not-exist error", p, err)
		}
	}
	temps := dirEntries(t, dir)
	if len(temps) != 4 {
		t.Fatalf("directory holds %v, want 4 temporary files (2 per writer)", temps)
	}
	for _, name := range temps {
		if !strings.HasPrefix(name, ".") || !strings.Contains(name, ".tmp-") {
			t.Errorf("%q does not look like a hidden temporary file", name)
		}
	}

	rows := genRows(40, 0, 2)
	writeRows(t, base, results.Options{Formats: bothFormats}, rows, 40)
	got := dirEntries(t, dir)
	var stale, otherTemps int
	for _, name := range got {
		switch {
		case strings.HasPrefix(name, ".run."):
			stale++
		case strings.HasPrefix(name, ".other."):
			otherTemps++
		}
	}
	if stale != 0 || otherTemps != 2 {
		t.Errorf("after a new run the directory holds %v: want the crashed run's temporary files gone and the other base's 2 kept", got)
	}
	if err := wOther.Write(genRows(5, 0, 3)); err != nil {
		t.Fatal(err)
	}
	if err := wOther.Close(); err != nil {
		t.Errorf("the other base's writer was disturbed: %v", err)
	}
	read, _, err := results.Read(base + ".parquet")
	if err != nil {
		t.Fatal(err)
	}
	assertRowsEqual(t, read, rows)
}

// TestInterruptedRunKeepsRows is the "an interrupted run keeps what it
// finished" contract: Close without complete progress gives a valid file
// marked incomplete, with the steps finished.
func TestInterruptedRunKeepsRows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		progress  bool
		steps     int
		complete  bool
		wantSteps int
	}{
		{"no progress recorded", false, 0, false, 0},
		{"two steps finished", true, 2, false, 2},
		{"complete", true, 3, true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := filepath.Join(t.TempDir(), "run")
			rows := genRows(7000, 1, 5)
			w, err := results.Create(base, results.Options{Formats: bothFormats, MetricColumns: []string{"m"}, RowGroupRows: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(rows); err != nil {
				t.Fatal(err)
			}
			if tt.progress {
				if err := w.SetProgress(tt.steps, tt.complete); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.SetMetadata("generated_text", "Hello"); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			for _, p := range w.Paths() {
				complete, err := results.Complete(p)
				if err != nil {
					t.Fatalf("Complete(%s): %v", p, err)
				}
				if complete != tt.complete {
					t.Errorf("Complete(%s) = %t, want %t", p, complete, tt.complete)
				}
				meta, err := results.ReadMeta(p)
				if err != nil {
					t.Fatal(err)
				}
				if meta.StepsFinished != tt.wantSteps || meta.Rows != int64(len(rows)) || meta.Metadata["generated_text"] != "Hello" {
					t.Errorf("ReadMeta(%s) = %+v, want %d steps, %d rows, generated_text", p, meta, tt.wantSteps, len(rows))
				}
				got, _, err := results.Read(p)
				if err != nil {
					t.Fatal(err)
				}
				assertRowsEqual(t, got, rows)
			}
		})
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
