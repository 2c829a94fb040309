package results

import (
	"fmt"
	"maps"
	"path/filepath"
	"strconv"
	"strings"
)

// Metadata keys this package writes into every file (Parquet key/value
// metadata; the CSV sidecar's key_value object). Options.Metadata must not
// use them.
const (
	// MetaKeyComplete is "true" when the run called SetProgress with
	// complete=true before Close, "false" for an interrupted run.
	MetaKeyComplete = "vlmask.complete"
	// MetaKeyStepsFinished is the number of generation steps whose rows are
	// all in the file (decimal). Files written by this version hold no row
	// of a later step; older ones may (Meta.Finished drops them).
	MetaKeyStepsFinished = "vlmask.steps_finished"
	// MetaKeyStepsPlanned is the number of generation steps the run set out
	// to analyse (Options.PlannedSteps), when known. A complete run may have
	// fewer: it stops at the end-of-sequence token.
	MetaKeyStepsPlanned = "vlmask.steps_planned"
	// MetaKeyRows is the number of rows in the file (decimal).
	MetaKeyRows = "vlmask.rows"
	// MetaKeyResultsFormat is the version of this package's file layout.
	MetaKeyResultsFormat = "vlmask.results_format"
)

// resultsFormatVersion is the value of MetaKeyResultsFormat.
const resultsFormatVersion = "1"

func isReservedKey(k string) bool {
	switch k {
	case MetaKeyComplete, MetaKeyStepsFinished, MetaKeyStepsPlanned, MetaKeyRows, MetaKeyResultsFormat:
		return true
	}
	return false
}

// Meta describes a results file: its layout and the run metadata stored
// with it.
type Meta struct {
	Format        Format
	Columns       []string          // every column, in file order
	Effect        bool              // the file has the effect columns, after the fixed ones
	MetricColumns []string          // the columns after the fixed (and effect) ones
	Metadata      map[string]string // run metadata, without the reserved keys
	HasMetadata   bool              // the file carries vlmask's metadata (false for a CSV file without its sidecar)
	Complete      bool              // MetaKeyComplete
	StepsFinished int               // MetaKeyStepsFinished
	StepsPlanned  int               // MetaKeyStepsPlanned; 0 when not recorded
	Rows          int64             // MetaKeyRows
	CreatedBy     string            // the Parquet footer's created_by; empty for CSV
}

// progressKeyValue returns the reserved key/value pairs for a file.
func progressKeyValue(complete bool, stepsFinished, stepsPlanned int, rows int64) map[string]string {
	kv := map[string]string{
		MetaKeyComplete:      strconv.FormatBool(complete),
		MetaKeyStepsFinished: strconv.Itoa(stepsFinished),
		MetaKeyRows:          strconv.FormatInt(rows, 10),
		MetaKeyResultsFormat: resultsFormatVersion,
	}
	if stepsPlanned > 0 {
		kv[MetaKeyStepsPlanned] = strconv.Itoa(stepsPlanned)
	}
	return kv
}

// metaFromKeyValue fills m's metadata fields from a file's key/value pairs.
func metaFromKeyValue(m *Meta, kv map[string]string) error {
	complete, ok := kv[MetaKeyComplete]
	if !ok {
		return fmt.Errorf("%w (key %s missing)", ErrNoMetadata, MetaKeyComplete)
	}
	var err error
	if m.Complete, err = strconv.ParseBool(complete); err != nil {
		return fmt.Errorf("%s %q: %w", MetaKeyComplete, complete, ErrNotResults)
	}
	if v, ok := kv[MetaKeyStepsFinished]; ok {
		if m.StepsFinished, err = strconv.Atoi(v); err != nil || m.StepsFinished < 0 {
			return fmt.Errorf("%s %q: %w", MetaKeyStepsFinished, v, ErrNotResults)
		}
	}
	if v, ok := kv[MetaKeyStepsPlanned]; ok {
		if m.StepsPlanned, err = strconv.Atoi(v); err != nil || m.StepsPlanned < 0 {
			return fmt.Errorf("%s %q: %w", MetaKeyStepsPlanned, v, ErrNotResults)
		}
	}
	if v, ok := kv[MetaKeyRows]; ok {
		if m.Rows, err = strconv.ParseInt(v, 10, 64); err != nil || m.Rows < 0 {
			return fmt.Errorf("%s %q: %w", MetaKeyRows, v, ErrNotResults)
		}
	}
	if v, ok := kv[MetaKeyResultsFormat]; ok && v != resultsFormatVersion {
		return fmt.Errorf("%s %q: %w (this vlmask reads version %s)", MetaKeyResultsFormat, v, ErrNotResults, resultsFormatVersion)
	}
	m.HasMetadata = true
	m.Metadata = maps.Clone(kv)
	maps.DeleteFunc(m.Metadata, func(k, _ string) bool { return isReservedKey(k) })
	return nil
}

// formatOf tells a results file's format from its extension.
func formatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case FormatParquet.Extension():
		return FormatParquet, nil
	case FormatCSV.Extension():
		return FormatCSV, nil
	}
	return "", fmt.Errorf("results file %q: %w (want a .parquet or .csv extension)", path, ErrUnknownFormat)
}

// Complete reports whether a results file holds a whole run: it reads the
// Parquet footer's key/value metadata, or for CSV the sidecar
// BASE.meta.json (see SidecarPath). A file without that metadata gives an
// error matching ErrNoMetadata; a caller resuming runs treats it as
// incomplete.
func Complete(path string) (bool, error) {
	m, err := ReadMeta(path)
	if err != nil {
		return false, err
	}
	return m.Complete, nil
}

// ReadMeta reads a results file's layout and metadata without reading its
// rows (for CSV, the header line and the sidecar).
func ReadMeta(path string) (Meta, error) {
	f, err := formatOf(path)
	if err != nil {
		return Meta{}, err
	}
	if f == FormatParquet {
		return readParquetMeta(path)
	}
	return readCSVMeta(path)
}
