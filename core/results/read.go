package results

import "fmt"

// Read reads a results file this package wrote, Parquet or CSV (told by
// the extension), back into rows and its Meta. It checks the column layout
// and that the row count matches the recorded one. A null attention_weight
// reads as HasAttentionWeight false with AttentionWeight 0; null
// image_index, patch_row and patch_col read as -1; a null metric reads as
// NaN. For a CSV file whose sidecar is missing, Read still returns the rows,
// with a Meta that has no metadata and Complete false (ReadMeta and Complete
// report ErrNoMetadata for it).
//
// Read holds the whole table in memory; it is meant for tests, reports and
// tools, not for streaming a large run.
func Read(path string) ([]Row, Meta, error) {
	f, err := formatOf(path)
	if err != nil {
		return nil, Meta{}, err
	}
	if f == FormatParquet {
		return readParquet(path)
	}
	return readCSV(path)
}

// checkColumns checks that names are the fixed columns followed by the
// effect columns or none of them, then metric columns; it says whether the
// effect columns are there and returns the metric column names.
func checkColumns(names []string) (effect bool, metrics []string, err error) {
	fixed := FixedColumns()
	if len(names) < len(fixed) {
		return false, nil, fmt.Errorf("%w: %d columns, want at least the %d fixed ones", ErrNotResults, len(names), len(fixed))
	}
	for i, want := range fixed {
		if names[i] != want {
			return false, nil, fmt.Errorf("%w: column %d is %q, want %q", ErrNotResults, i, names[i], want)
		}
	}
	rest := names[len(fixed):]
	if hasEffectColumns(rest) {
		return true, rest[numEffectColumns:], nil
	}
	return false, rest, nil
}

// checkRowCount compares the rows read with the count recorded at Close.
func checkRowCount(m Meta, n int) error {
	if m.Rows != int64(n) {
		return fmt.Errorf("%w: metadata records %d rows, file has %d", ErrNotResults, m.Rows, n)
	}
	return nil
}

// interner shares one string per distinct value read, so a large table
// holds each token text, variant and label once.
type interner map[string]string

func (in interner) str(s string) string {
	if v, ok := in[s]; ok {
		return v
	}
	in[s] = s
	return s
}

func (in interner) bytes(b []byte) string {
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	in[s] = s
	return s
}

// ReadFinished reads a results file as Read does, then keeps only the rows
// of finished steps: for a file not marked complete, rows of steps at or
// beyond Meta.StepsFinished are dropped (files of earlier vlmask versions
// kept the rows of the step they were interrupted in). This is what
// summaries and pictures should read; Meta.Status says what the rows
// cover. dropped counts the rows left out.
func ReadFinished(path string) (rows []Row, m Meta, dropped int, err error) {
	rows, m, err = Read(path)
	if err != nil {
		return nil, Meta{}, 0, err
	}
	rows, dropped = m.Finished(rows)
	return rows, m, dropped, nil
}

// Finished returns the rows of the steps m records as finished (every row
// when the file is complete), in place, and how many it left out.
func (m Meta) Finished(rows []Row) ([]Row, int) {
	if m.Complete || !m.HasMetadata {
		return rows, 0
	}
	kept := rows[:0]
	for _, r := range rows {
		if r.Step < m.StepsFinished {
			kept = append(kept, r)
		}
	}
	return kept, len(rows) - len(kept)
}

// Status is a one-line account of how much of its run a file holds, for the
// first line of a reader's output: empty for a complete run,
// "incomplete: N of M steps" (or "incomplete: N steps finished" when the
// plan was not recorded) otherwise, and a warning when a CSV file's
// sidecar is missing so completeness cannot be told.
func (m Meta) Status() string {
	switch {
	case !m.HasMetadata:
		return "completeness unknown: no vlmask metadata (a CSV file without its .meta.json sidecar)"
	case m.Complete:
		return ""
	case m.StepsPlanned > 0:
		return fmt.Sprintf("incomplete: %d of %d steps (the run was interrupted or failed; only finished steps are used)", m.StepsFinished, m.StepsPlanned)
	}
	return fmt.Sprintf("incomplete: %d steps finished (the run was interrupted or failed; only finished steps are used)", m.StepsFinished)
}
