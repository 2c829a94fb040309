package results

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Format is an output file format.
type Format string

// Output formats.
const (
	FormatParquet Format = "parquet"
	FormatCSV     Format = "csv"
)

// Extension returns the file name extension of the format, with its dot.
func (f Format) Extension() string { return "." + string(f) }

// ParseFormat parses a format name as a user types it ("parquet", "csv";
// case-insensitive).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case FormatParquet, FormatCSV:
		return f, nil
	}
	return "", fmt.Errorf("format %q: %w (want %s or %s)", s, ErrUnknownFormat, FormatParquet, FormatCSV)
}

// DefaultRowGroupRows is the row-group size used when Options.RowGroupRows
// is 0. A row group is the unit that the writer buffers before it reaches
// the file and that readers decode or parallelise over. 262,144 rows
// (the writer's heap stays near 20 MB with two metric columns) keeps the
// writer's memory small, gives DuckDB and pyarrow several row groups per generation
// step of a real model to scan in parallel (Qwen3-VL-4B: 36 layers × ~600
// positions × 67 variants ≈ 1.4 M rows per step), keeps the per-row-group
// string dictionaries effective, and stays under pyarrow's own maximum of
// 1,048,576 rows (MaxRowGroupRows), the size of the original tool's files.
const DefaultRowGroupRows = 1 << 18

// MaxRowGroupRows is the largest Options.RowGroupRows: pyarrow's default
// and maximum row-group size.
const MaxRowGroupRows = 1 << 20

// DefaultVersion is the version written into created_by when
// Options.Version is empty.
const DefaultVersion = "devel"

// Options configures a Writer.
type Options struct {
	// Formats lists the files to write; empty means Parquet only.
	Formats []Format
	// MetricColumns names the extra DOUBLE columns after the fixed ones,
	// one per Row.Metrics entry. A name starts with an ASCII letter,
	// continues with ASCII letters, digits, '_' or '-', is at most 64 bytes,
	// and differs from the other names and from the fixed columns'.
	MetricColumns []string
	// Metadata is run metadata (model, versions, plugin versions, command).
	// Parquet stores it as the file's key/value metadata; CSV stays plain
	// and the metadata goes to the sidecar BASE.meta.json. Keys must not be
	// one of the reserved keys this package writes (MetaKeyComplete etc.).
	Metadata map[string]string
	// RowGroupRows is the number of rows per Parquet row group:
	// 0 means DefaultRowGroupRows; at most MaxRowGroupRows.
	RowGroupRows int
	// PlannedSteps is the number of generation steps the run sets out to
	// analyse, recorded as MetaKeyStepsPlanned so readers can say how much
	// of an incomplete run they hold ("incomplete: 3 of 5 steps"); 0 leaves
	// it out.
	PlannedSteps int
	// Effect adds the effect columns (EffectColumns) after the fixed ones,
	// for the Effect_W{k} rows of the propagated knockout.
	Effect bool
	// Version is vlmask's version, written into the Parquet footer's
	// created_by as "vlmask version VERSION"; empty means DefaultVersion.
	Version string
	// Replace lets the files of a complete run replace complete results
	// files (and files that are not results files) at the final paths.
	// Without it Create refuses such a path with ErrExists. Either way an
	// incomplete results file there is replaced by a complete run, and an
	// interrupted run never replaces a complete file (see Writer.Close).
	Replace bool
}

// normalized returns a copy of o with defaults filled in, or an error
// naming the bad field.
func (o Options) normalized() (Options, error) {
	n := Options{
		Formats:       slices.Clone(o.Formats),
		MetricColumns: slices.Clone(o.MetricColumns),
		Effect:        o.Effect,
		Metadata:      maps.Clone(o.Metadata),
		RowGroupRows:  o.RowGroupRows,
		PlannedSteps:  o.PlannedSteps,
		Version:       o.Version,
		Replace:       o.Replace,
	}
	if n.PlannedSteps < 0 {
		return Options{}, fmt.Errorf("planned steps %d: %w (negative)", n.PlannedSteps, ErrInvalidOptions)
	}
	if len(n.Formats) == 0 {
		n.Formats = []Format{FormatParquet}
	}
	for i, f := range n.Formats {
		if f != FormatParquet && f != FormatCSV {
			return Options{}, fmt.Errorf("format %q: %w (want %s or %s)", f, ErrUnknownFormat, FormatParquet, FormatCSV)
		}
		if slices.Contains(n.Formats[:i], f) {
			return Options{}, fmt.Errorf("format %q listed twice: %w", f, ErrInvalidOptions)
		}
	}
	if err := validateMetricColumns(n.MetricColumns, n.Effect); err != nil {
		return Options{}, err
	}
	for k := range n.Metadata {
		if isReservedKey(k) {
			return Options{}, fmt.Errorf("metadata key %q: %w", k, ErrReservedKey)
		}
	}
	switch {
	case n.RowGroupRows == 0:
		n.RowGroupRows = DefaultRowGroupRows
	case n.RowGroupRows < 0 || n.RowGroupRows > MaxRowGroupRows:
		return Options{}, fmt.Errorf("row group rows %d: %w (want 1..%d, or 0 for %d)", o.RowGroupRows, ErrInvalidOptions, MaxRowGroupRows, DefaultRowGroupRows)
	}
	if n.Version == "" {
		n.Version = DefaultVersion
	}
	if strings.ContainsAny(n.Version, "\n\r") {
		return Options{}, fmt.Errorf("version %q: %w (contains a line break)", n.Version, ErrInvalidOptions)
	}
	return n, nil
}
