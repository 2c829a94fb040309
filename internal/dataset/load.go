package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Format is a dataset file's format, told by its extension.
type Format string

// Dataset file formats.
const (
	FormatJSONL Format = "jsonl"
	FormatCSV   Format = "csv"
	FormatYAML  Format = "yaml"
)

// FormatOf tells a dataset file's format from its extension: .jsonl,
// .ndjson, .csv, .yaml or .yml.
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		return FormatJSONL, nil
	case ".csv":
		return FormatCSV, nil
	case ".yaml", ".yml":
		return FormatYAML, nil
	}
	return "", fmt.Errorf("dataset %q: %w: want a .jsonl, .ndjson, .csv, .yaml or .yml file", path, ErrInvalid)
}

// File is a loaded dataset.
type File struct {
	// Path is the file's absolute path.
	Path   string
	Format Format
	// Rows are the rows in file order, each with its id.
	Rows []Row
	// Unknown names the fields (columns) rows have that vlmask does not
	// read; they are kept in each row's Record.
	Unknown []string
	// Model is a YAML batch file's model.path ("" otherwise).
	Model string
	// Device is a YAML batch file's device ("" otherwise).
	Device string
}

// Load reads a dataset file and gives every row its id. Two rows with the
// same id (two identical rows without ids, or a repeated id) are an error,
// since a row's id names its results.
func Load(path string) (*File, error) {
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("dataset %q: %w", path, err)
	}
	f := &File{Path: abs, Format: format}
	if format == FormatYAML {
		rows, batch, err := readYAML(abs)
		if err != nil {
			return nil, err
		}
		f.Rows, f.Model, f.Device = rows, batch.Model, batch.Device
	} else {
		in, err := os.Open(abs)
		if err != nil {
			return nil, fmt.Errorf("dataset %q: %w", path, err)
		}
		defer in.Close()
		read := readJSONL
		if format == FormatCSV {
			read = readCSV
		}
		if f.Rows, f.Unknown, err = read(in, path, filepath.Dir(abs)); err != nil {
			return nil, err
		}
	}
	if len(f.Rows) == 0 {
		return nil, fmt.Errorf("dataset %q: %w: no rows", path, ErrInvalid)
	}
	first := map[string]int{}
	for _, r := range f.Rows {
		if line, dup := first[r.ID]; dup {
			what := "the same id"
			if !r.GivenID {
				what = "the same inputs (so the same hash id)"
			}
			return nil, fmt.Errorf("dataset %q row %d: %w: %s %s as row %d", path, r.Line, ErrInvalid, what, r.ID, line)
		}
		first[r.ID] = r.Line
	}
	return f, nil
}

// IDs are the rows' ids in file order.
func (f *File) IDs() []string {
	out := make([]string, len(f.Rows))
	for i, r := range f.Rows {
		out[i] = r.ID
	}
	return out
}

// Row returns the row with the given id.
func (f *File) Row(id string) (Row, bool) {
	i := slices.IndexFunc(f.Rows, func(r Row) bool { return r.ID == id })
	if i < 0 {
		return Row{}, false
	}
	return f.Rows[i].clone(), true
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
