package results_test

import (
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// stepRows makes rows of the given steps, perStep rows each, in the
// analysis' order.
func stepRows(perStep []int, numMetrics int, seed uint64) []results.Row {
	var rows []results.Row
	for step, n := range perStep {
		part := genRows(n, numMetrics, seed+uint64(step))
		for i := range part {
			part[i].Step = step
		}
		rows = append(rows, part...)
	}
	return rows
}

// rowsBefore is the reference for what a file keeps: the input rows of
// steps below n, picked from the input alone.
func rowsBefore(rows []results.Row, n int) []results.Row {
	var out []results.Row
	for _, r := range rows {
		if r.Step < n {
			out = append(out, r)
		}
	}
	return out
}

// TestCloseKeepsOnlyFinishedSteps is the "no half-finished step" contract:
// a run stopped in the middle of step 2 — its rows already spread over
// several row groups on disk — leaves a file with exactly the rows of the
// finished steps, whatever the formats, and metadata that says so.
func TestCloseKeepsOnlyFinishedSteps(t *testing.T) {
	t.Parallel()
	// Steps 0 and 1 finished; step 2 stopped after 700 of its rows. With
	// 300-row row groups, step 2's first two row groups are already in
	// the file when the run stops.
	rows := stepRows([]int{900, 1000, 700}, 1, 40)
	tests := map[string]struct {
		progress  bool
		steps     int
		complete  bool
		flushMid  bool // a Flush in the middle of step 2 (not at a boundary)
		wantSteps int
		wantRows  []results.Row
	}{
		"stopped in step 2":               {progress: true, steps: 2, wantSteps: 2, wantRows: rowsBefore(rows, 2)},
		"stopped in step 2 after a Flush": {progress: true, steps: 2, flushMid: true, wantSteps: 2, wantRows: rowsBefore(rows, 2)},
		"no progress given":               {wantSteps: 2, wantRows: rowsBefore(rows, 2)},
		"caller says only step 0":         {progress: true, steps: 1, wantSteps: 1, wantRows: rowsBefore(rows, 1)},
		"nothing finished":                {progress: true, steps: 0, wantSteps: 0, wantRows: nil},
		"complete":                        {progress: true, steps: 3, complete: true, wantSteps: 3, wantRows: rows},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			base := filepath.Join(t.TempDir(), "run")
			w, err := results.Create(base, results.Options{Formats: bothFormats, MetricColumns: []string{"m"}, RowGroupRows: 300, PlannedSteps: 5,
				Metadata: map[string]string{"model": "tiny"}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = w.Abort() })
			for start := 0; start < len(rows); start += 250 {
				if err := w.Write(rows[start:min(start+250, len(rows))]); err != nil {
					t.Fatal(err)
				}
				if tc.flushMid && start == 2000 {
					if err := w.Flush(); err != nil {
						t.Fatal(err)
					}
				}
			}
			if tc.progress {
				if err := w.SetProgress(tc.steps, tc.complete); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if got, want := w.Rows(), int64(len(tc.wantRows)); got != want {
				t.Errorf("Rows() = %d after Close, want %d kept", got, want)
			}
			if got, want := w.Dropped(), int64(len(rows)-len(tc.wantRows)); got != want {
				t.Errorf("Dropped() = %d, want %d", got, want)
			}
			for _, p := range w.Paths() {
				got, meta, err := results.Read(p)
				if err != nil {
					t.Fatal(err)
				}
				assertRowsEqual(t, got, tc.wantRows)
				if meta.Complete != tc.complete || meta.StepsFinished != tc.wantSteps || meta.StepsPlanned != 5 || meta.Rows != int64(len(tc.wantRows)) {
					t.Errorf("%s: complete %t, %d of %d steps, %d rows; want %t, %d of 5, %d",
						p, meta.Complete, meta.StepsFinished, meta.StepsPlanned, meta.Rows, tc.complete, tc.wantSteps, len(tc.wantRows))
				}
				if meta.Metadata["model"] != "tiny" {
					t.Errorf("%s: run metadata lost: %v", p, meta.Metadata)
				}
			}
			if name == "stopped in step 2" {
				checkWithIndependentReaders(t, base+".parquet", []string{"m"}, tc.wantRows, results.DefaultVersion, false)
			}
		})
	}
}

// TestWriteRejectsStepsOutOfOrder: steps only move forward, which is what
// lets Close tell finished steps by their rows.
func TestWriteRejectsStepsOutOfOrder(t *testing.T) {
	t.Parallel()
	w, err := results.Create(filepath.Join(t.TempDir(), "run"), results.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Abort() })
	rows := stepRows([]int{3, 3}, 0, 1)
	if err := w.Write(rows[3:]); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rows[:3]); err == nil {
		t.Error("rows of step 0 after step 1 were accepted")
	}
	within := append(append([]results.Row{}, rows[3]), rows[0])
	if err := w.Write(within); err == nil {
		t.Error("a batch going back a step was accepted")
	}
}

// TestStatus is what readers print first.
func TestStatus(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		meta results.Meta
		want string
	}{
		"complete":        {results.Meta{HasMetadata: true, Complete: true, StepsFinished: 3, StepsPlanned: 5}, ""},
		"incomplete":      {results.Meta{HasMetadata: true, StepsFinished: 3, StepsPlanned: 5}, "incomplete: 3 of 5 steps"},
		"plan unknown":    {results.Meta{HasMetadata: true, StepsFinished: 1}, "incomplete: 1 steps finished"},
		"no metadata":     {results.Meta{}, "completeness unknown"},
		"nothing done":    {results.Meta{HasMetadata: true, StepsPlanned: 2}, "incomplete: 0 of 2 steps"},
		"ended before M":  {results.Meta{HasMetadata: true, Complete: true, StepsFinished: 2, StepsPlanned: 5}, ""},
		"older, no steps": {results.Meta{HasMetadata: true}, "incomplete: 0 steps finished"},
	}
	for name, tc := range tests {
		got := tc.meta.Status()
		if (tc.want == "") != (got == "") || len(got) < len(tc.want) || got[:len(tc.want)] != tc.want {
			t.Errorf("%s: Status() = %q, want it to start with %q", name, got, tc.want)
		}
	}
}

// TestFinishedDropsRowsOfUnfinishedSteps: files of earlier versions kept
// the rows of the step they were stopped in; readers leave them out.
func TestFinishedDropsRowsOfUnfinishedSteps(t *testing.T) {
	t.Parallel()
	rows := stepRows([]int{4, 4, 2}, 0, 3)
	m := results.Meta{HasMetadata: true, StepsFinished: 2}
	got, dropped := m.Finished(append([]results.Row(nil), rows...))
	assertRowsEqual(t, got, rowsBefore(rows, 2))
	if dropped != 2 {
		t.Errorf("dropped %d, want 2", dropped)
	}
	m.Complete = true
	if got, dropped := m.Finished(append([]results.Row(nil), rows...)); len(got) != len(rows) || dropped != 0 {
		t.Errorf("a complete file lost rows: %d kept, %d dropped", len(got), dropped)
	}
}
