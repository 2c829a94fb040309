package results_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// runTo writes rows of step 0 (seeded by seed) through a new Writer and
// closes it, complete or interrupted after that step.
func runTo(t *testing.T, base string, opts results.Options, seed uint64, complete bool) (*results.Writer, []results.Row) {
	t.Helper()
	w, err := results.Create(base, opts)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	rows := genRows(12, 0, seed)
	for i := range rows {
		rows[i].Step = 0
	}
	if err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.SetProgress(1, complete); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return w, rows
}

// assertHolds checks that path is a results file with rows, complete or
// not.
func assertHolds(t *testing.T, path string, rows []results.Row, complete bool) {
	t.Helper()
	got, meta, err := results.Read(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	assertRowsEqual(t, got, rows)
	if meta.Complete != complete {
		t.Errorf("%s: complete %v, want %v", path, meta.Complete, complete)
	}
}

// TestCreateRefusesACompleteFile: a complete results file, or a file that
// is not one, is not replaced unless the caller asks (Replace); the error
// names the file.
func TestCreateRefusesACompleteFile(t *testing.T) {
	t.Parallel()
	for _, formats := range [][]results.Format{{results.FormatParquet}, {results.FormatCSV}, bothFormats} {
		t.Run(string(formats[len(formats)-1]), func(t *testing.T) {
			t.Parallel()
			base := filepath.Join(t.TempDir(), "run")
			_, old := runTo(t, base, results.Options{Formats: formats}, 1, true)
			final := base + formats[0].Extension()
			_, err := results.Create(base, results.Options{Formats: formats})
			if !errors.Is(err, results.ErrExists) || !strings.Contains(err.Error(), final) {
				t.Fatalf("Create over a complete file: %v, want ErrExists naming %s", err, final)
			}
			if err := results.CheckReplace(base, formats, false); !errors.Is(err, results.ErrExists) {
				t.Errorf("CheckReplace: %v, want ErrExists", err)
			}
			assertHolds(t, final, old, true)
			if err := results.CheckReplace(base, formats, true); err != nil {
				t.Errorf("CheckReplace with replace: %v", err)
			}
			_, fresh := runTo(t, base, results.Options{Formats: formats, Replace: true}, 2, true)
			assertHolds(t, final, fresh, true)
		})
	}
	t.Run("not a results file", func(t *testing.T) {
		t.Parallel()
		base := filepath.Join(t.TempDir(), "notes")
		if err := os.WriteFile(base+".csv", []byte("my own table\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := results.Create(base, results.Options{Formats: []results.Format{results.FormatCSV}}); !errors.Is(err, results.ErrExists) {
			t.Errorf("Create over a foreign file: %v, want ErrExists", err)
		}
	})
}

// TestCompleteRunReplacesAnIncompleteFile: rerunning an interrupted run
// needs no permission.
func TestCompleteRunReplacesAnIncompleteFile(t *testing.T) {
	t.Parallel()
	base := filepath.Join(t.TempDir(), "run")
	runTo(t, base, results.Options{Formats: bothFormats}, 1, false)
	w, rows := runTo(t, base, results.Options{Formats: bothFormats}, 2, true)
	for _, p := range []string{base + ".parquet", base + ".csv"} {
		assertHolds(t, p, rows, true)
	}
	if got := w.NotReplaced(); len(got) != 0 {
		t.Errorf("NotReplaced = %v, want none", got)
	}
}

// TestInterruptedRunNeverReplacesACompleteFile: an interrupted run that was
// allowed to replace a complete file keeps the complete one and writes its
// finished steps beside it; without Replace it does not replace an
// incomplete one either.
func TestInterruptedRunNeverReplacesACompleteFile(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		oldComplete, replace bool
		wantBeside           bool
	}{
		"over a complete file, replace asked": {oldComplete: true, replace: true, wantBeside: true},
		"over an incomplete file":             {wantBeside: true},
		"over an incomplete file, replace":    {replace: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			base := filepath.Join(dir, "run")
			_, old := runTo(t, base, results.Options{Formats: bothFormats}, 1, tc.oldComplete)
			w, rows := runTo(t, base, results.Options{Formats: bothFormats, Replace: tc.replace}, 2, false)
			finals := []string{base + ".parquet", base + ".csv"}
			if !tc.wantBeside {
				for _, p := range finals {
					assertHolds(t, p, rows, false)
				}
				return
			}
			beside := []string{base + ".incomplete.parquet", base + ".incomplete.csv"}
			if !slices.Equal(w.Paths(), beside) || !slices.Equal(w.NotReplaced(), finals) {
				t.Errorf("Paths %v, NotReplaced %v; want %v beside %v", w.Paths(), w.NotReplaced(), beside, finals)
			}
			for i := range finals {
				assertHolds(t, finals[i], old, tc.oldComplete)
				assertHolds(t, beside[i], rows, false)
			}
			if _, err := os.Stat(results.SidecarPath(beside[1])); err != nil {
				t.Errorf("the CSV written beside has no sidecar of its own: %v", err)
			}
		})
	}
}

// TestCompleteRunDoesNotReplaceAFileWrittenMeanwhile: another writer that
// completes the same output first keeps its file.
func TestCompleteRunDoesNotReplaceAFileWrittenMeanwhile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := filepath.Join(dir, "run")
	w, err := results.Create(base, results.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Abort() })
	_, first := runTo(t, filepath.Join(dir, "other"), results.Options{}, 1, true)
	if err := os.Rename(filepath.Join(dir, "other.parquet"), base+".parquet"); err != nil {
		t.Fatal(err)
	}
	rows := genRows(5, 0, 3)
	for i := range rows {
		rows[i].Step = 0
	}
	if err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.SetProgress(1, true); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	assertHolds(t, base+".parquet", first, true)
	assertHolds(t, base+".new.parquet", rows, true)
}
