package results_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vlmask/vlmask/core/results"
)

// envKilledWriter makes the test binary a writer that a test kills: it
// writes killedRows to the base named by the variable, says "ready" on
// stdout and waits to be killed.
const envKilledWriter = "VLMASK_RESULTS_TEST_KILLED_WRITER"

// killedRows are what the killed writer writes: steps 0 and 1 whole, and
// step 2 cut off after 12,000 rows (enough that both formats have some of
// it on disk: Parquet row groups of 1,000 rows, CSV past its 1 MiB buffer).
func killedRows() []results.Row { return stepRows([]int{5000, 5000, 12000}, 1, 77) }

func TestMain(m *testing.M) {
	if base := os.Getenv(envKilledWriter); base != "" {
		os.Exit(runKilledWriter(base))
	}
	os.Exit(m.Run())
}

func runKilledWriter(base string) int {
	w, err := results.Create(base, results.Options{Formats: bothFormats, MetricColumns: []string{"m"}, RowGroupRows: 1000, PlannedSteps: 4,
		Metadata: map[string]string{"model": "tiny"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	rows := killedRows()
	for start := 0; start < len(rows); start += 500 {
		if err := w.Write(rows[start:min(start+500, len(rows))]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	fmt.Println("ready")
	select {} // killed here, in the middle of step 2
}

// killWriterMidStep runs a writer process into the middle of step 2 of
// base and SIGKILLs it: no Close, no Abort, no deferred function runs.
func killWriterMidStep(t *testing.T, base string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envKilledWriter+"="+base)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "ready\n" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("writer process: %q, %v", line, err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
}

// TestKilledWriterIsRecovered: a writer killed with SIGKILL in the middle
// of a step leaves temporary files; the next Create for the base does not
// delete them but recovers their finished steps into readable files marked
// incomplete, says where, and then writes its own run normally.
func TestKilledWriterIsRecovered(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := filepath.Join(dir, "run")
	killWriterMidStep(t, base)
	assertMissing(t, base+".parquet", base+".csv")

	w, err := results.Create(base, results.Options{Formats: bothFormats})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Abort() })
	want := rowsBefore(killedRows(), 2)
	recs := w.Recovered()
	if len(recs) != 2 {
		t.Fatalf("Recovered() = %v, want one entry per format", recs)
	}
	for _, r := range recs {
		if !r.Recovered || r.Steps != 2 || r.Rows != int64(len(want)) {
			t.Errorf("%+v: want 2 steps and %d rows recovered", r, len(want))
		}
		if !strings.HasPrefix(filepath.Base(r.Path), "run.recovered-") || !strings.Contains(r.String(), r.Path) {
			t.Errorf("recovered into %q (%s)", r.Path, r)
		}
		if _, err := os.Stat(r.Temp); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the temporary file %s is still there", r.Temp)
		}
		rows, meta, err := results.Read(r.Path)
		if err != nil {
			t.Fatal(err)
		}
		assertRowsEqual(t, rows, want)
		if meta.Complete || meta.StepsFinished != 2 || !strings.HasPrefix(meta.Status(), "incomplete: 2") {
			t.Errorf("%s: complete %t, %d steps finished, status %q", r.Path, meta.Complete, meta.StepsFinished, meta.Status())
		}
		if strings.HasSuffix(r.Path, ".parquet") {
			if meta.StepsPlanned != 4 || meta.Metadata["model"] != "tiny" {
				t.Errorf("%s: the checkpoint lost the run metadata: %+v", r.Path, meta)
			}
			checkWithIndependentReaders(t, r.Path, []string{"m"}, want, results.DefaultVersion, false)
		}
	}
	// The new run goes on as usual.
	fresh := stepRows([]int{10}, 0, 5)
	if err := w.Write(fresh); err != nil {
		t.Fatal(err)
	}
	if err := w.SetProgress(1, true); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, _, err := results.Read(base + ".parquet")
	if err != nil {
		t.Fatal(err)
	}
	assertRowsEqual(t, got, fresh)
}

// TestLeftoverWithoutFinishedStep: a writer killed during its first step
// leaves nothing recoverable; its file is moved aside unchanged, never
// deleted, and an empty leftover is removed with a report.
func TestLeftoverWithoutFinishedStep(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	partial := filepath.Join(dir, ".run.parquet.tmp-111")
	content := []byte("PAR1 some pages of a first step that never ended")
	if err := os.WriteFile(partial, content, 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, ".run.csv.tmp-222")
	if err := os.WriteFile(empty, []byte(strings.Join(results.FixedColumns(), ",")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	if err := os.Chtimes(partial, when, when); err != nil {
		t.Fatal(err)
	}
	w, err := results.Create(filepath.Join(dir, "run"), results.Options{Formats: bothFormats})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Abort() })
	byTemp := map[string]results.Recovery{}
	for _, r := range w.Recovered() {
		byTemp[r.Temp] = r
	}
	moved := byTemp[partial]
	if moved.Recovered || moved.Path != filepath.Join(dir, "run.parquet.partial-20260304T050607Z") {
		t.Fatalf("leftover Parquet: %+v", moved)
	}
	if got, err := os.ReadFile(moved.Path); err != nil || string(got) != string(content) {
		t.Errorf("moved file holds %q, %v; want the leftover unchanged", got, err)
	}
	if r, ok := byTemp[empty]; !ok || r.Path != "" || r.Recovered {
		t.Errorf("header-only CSV leftover: %+v (found %t), want removed and reported", r, ok)
	}
	assertMissing(t, partial, empty)
}

// TestLiveWriterIsNotALeftover: while a writer is alive, its temporary
// file is locked, and a second writer of the same base is refused instead
// of taking that file for a leftover.
func TestLiveWriterIsNotALeftover(t *testing.T) {
	t.Parallel()
	base := filepath.Join(t.TempDir(), "run")
	first, err := results.Create(base, results.Options{Formats: bothFormats})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = first.Abort() })
	rows := stepRows([]int{20, 5}, 0, 9)
	if err := first.Write(rows); err != nil {
		t.Fatal(err)
	}
	if _, err := results.Create(base, results.Options{Formats: bothFormats}); !errors.Is(err, results.ErrInUse) {
		t.Fatalf("second Create of a live base: %v, want ErrInUse", err)
	}
	if err := first.SetProgress(2, true); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("the live writer was disturbed: %v", err)
	}
	got, _, err := results.Read(base + ".csv")
	if err != nil {
		t.Fatal(err)
	}
	assertRowsEqual(t, got, rows)
}
