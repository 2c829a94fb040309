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

// checkColumns checks that names are the fixed columns followed by metric
// columns, and returns the metric column names.
func checkColumns(names []string) ([]string, error) {
	fixed := FixedColumns()
	if len(names) < len(fixed) {
		return nil, fmt.Errorf("%w: %d columns, want at least the %d fixed ones", ErrNotResults, len(names), len(fixed))
	}
	for i, want := range fixed {
		if names[i] != want {
			return nil, fmt.Errorf("%w: column %d is %q, want %q", ErrNotResults, i, names[i], want)
		}
	}
	return names[len(fixed):], nil
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
