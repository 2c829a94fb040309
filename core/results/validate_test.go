package results_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

func TestValidateVariant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ok   bool
	}{
		{"Full", true},
		{"Attn", true},
		{"Head_0", true},
		{"Head_31", true},
		{"Head_127", true},
		{"AttentionWeight_Head_0", true},
		{"AttentionWeight_Head_15", true},
		{"AttentionWeight_Avg", true},
		{"KL_Div", true},
		{"MLP", true},
		{"Resid2", true},
		{"", false},
		{"full", true}, // plugin-defined: names are case-sensitive
		{"Head_", false},
		{"Head_01", false},
		{"Head_x", false},
		{"Head_-1", false},
		{"Head_1234567", false},
		{"AttentionWeight_Head_", false},
		{"AttentionWeight_Head_007", false},
		{"AttentionWeight_Max", false},
		{"AttentionWeight_", false},
		{"1st", false},
		{"_x", false},
		{"has space", false},
		{"dash-name", false},
		{"ünïcode", false},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
	}
	for _, tt := range tests {
		err := results.ValidateVariant(tt.name)
		if tt.ok && err != nil {
			t.Errorf("ValidateVariant(%q) = %v, want nil", tt.name, err)
		}
		if !tt.ok && !errors.Is(err, results.ErrInvalidVariant) {
			t.Errorf("ValidateVariant(%q) = %v, want ErrInvalidVariant", tt.name, err)
		}
	}
}

func TestParseFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want results.Format
		ok   bool
	}{
		{"parquet", results.FormatParquet, true},
		{"CSV", results.FormatCSV, true},
		{" csv ", results.FormatCSV, true},
		{"json", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := results.ParseFormat(tt.in)
		if tt.ok && (err != nil || got != tt.want) {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if !tt.ok && !errors.Is(err, results.ErrUnknownFormat) {
			t.Errorf("ParseFormat(%q) error %v, want ErrUnknownFormat", tt.in, err)
		}
	}
}

func TestCreateRejects(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		base string
		opts results.Options
		want error
	}{
		{"unknown format", "x", results.Options{Formats: []results.Format{"json"}}, results.ErrUnknownFormat},
		{"format twice", "x", results.Options{Formats: []results.Format{"csv", "csv"}}, results.ErrInvalidOptions},
		{"metric clashes with fixed column", "x", results.Options{MetricColumns: []string{"l2_distance"}}, results.ErrInvalidColumn},
		{"metric twice", "x", results.Options{MetricColumns: []string{"a", "a"}}, results.ErrInvalidColumn},
		{"metric with comma", "x", results.Options{MetricColumns: []string{"a,b"}}, results.ErrInvalidColumn},
		{"metric with dot", "x", results.Options{MetricColumns: []string{"a.b"}}, results.ErrInvalidColumn},
		{"empty metric", "x", results.Options{MetricColumns: []string{""}}, results.ErrInvalidColumn},
		{"reserved metadata key", "x", results.Options{Metadata: map[string]string{results.MetaKeyComplete: "true"}}, results.ErrReservedKey},
		{"negative row group", "x", results.Options{RowGroupRows: -1}, results.ErrInvalidOptions},
		{"row group too large", "x", results.Options{RowGroupRows: results.MaxRowGroupRows + 1}, results.ErrInvalidOptions},
		{"version with newline", "x", results.Options{Version: "1\n2"}, results.ErrInvalidOptions},
		{"empty base", "", results.Options{}, results.ErrInvalidOptions},
		{"base with extension", "x.parquet", results.Options{}, results.ErrInvalidOptions},
		{"base with csv extension", "x.CSV", results.Options{}, results.ErrInvalidOptions},
		{"base is a directory", "x/", results.Options{}, results.ErrInvalidOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := tt.base
			if base != "" {
				base = filepath.Join(dir, tt.name, base)
				if strings.HasSuffix(tt.base, "/") {
					base += "/"
				}
			}
			w, err := results.Create(base, tt.opts)
			if !errors.Is(err, tt.want) {
				if w != nil {
					_ = w.Abort()
				}
				t.Fatalf("Create error %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans lines", err)
			}
		})
	}
}

func TestWriteRejectsBadRows(t *testing.T) {
	t.Parallel()
	good := genRows(1, 1, 1)[0]
	tests := []struct {
		name   string
		mutate func(r *results.Row)
		want   error
		msg    string
	}{
		{"bad variant", func(r *results.Row) { r.Variant = "Head_01" }, results.ErrInvalidVariant, `variant "Head_01"`},
		{"bad modality", func(r *results.Row) { r.Modality = "audio" }, results.ErrInvalidRow, `modality "audio"`},
		{"missing metric", func(r *results.Row) { r.Metrics = nil }, results.ErrInvalidRow, "0 metric values for 1 metric columns"},
		{"negative step", func(r *results.Row) { r.Step = -1 }, results.ErrInvalidRow, "generation_step -1"},
		{"negative layer", func(r *results.Row) { r.Layer = -2 }, results.ErrInvalidRow, "layer -2"},
		{"negative position", func(r *results.Row) { r.TokenPosition = -1 }, results.ErrInvalidRow, "token_position -1"},
		{"patch below null", func(r *results.Row) { r.PatchRow = -2 }, results.ErrInvalidRow, "below -1"},
		{"invalid utf-8", func(r *results.Row) { r.TokenMasked = "\xff" }, results.ErrInvalidRow, "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			w, err := results.Create(filepath.Join(dir, "run"), results.Options{Formats: bothFormats, MetricColumns: []string{"m"}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = w.Abort() })
			bad := good
			bad.Metrics = []float64{1}
			tt.mutate(&bad)
			err = w.Write([]results.Row{good, bad})
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), "row 1") {
				t.Fatalf("Write error %v, want %v mentioning %q and row 1", err, tt.want, tt.msg)
			}
			if w.Rows() != 0 {
				t.Errorf("Rows() = %d after a rejected batch, want 0", w.Rows())
			}
			// The writer stays usable: a rejected batch writes nothing.
			if err := w.Write([]results.Row{good}); err != nil {
				t.Fatal(err)
			}
			if err := w.SetProgress(1, true); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			for _, p := range w.Paths() {
				rows, _, err := results.Read(p)
				if err != nil {
					t.Fatal(err)
				}
				assertRowsEqual(t, rows, []results.Row{good})
			}
		})
	}
}

func TestReadRejectsForeignFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := filepath.Join(dir, "run")
	paths := writeRows(t, base, results.Options{Formats: bothFormats}, genRows(10, 0, 1), 10)
	stale := filepath.Join(dir, "stale.csv")
	data, err := os.ReadFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	// A sidecar that counts other rows than its CSV holds.
	if err := os.WriteFile(stale, data[:len(data)/2+strings.IndexByte(string(data[len(data)/2:]), '\n')+1], 0o644); err != nil {
		t.Fatal(err)
	}
	side, err := os.ReadFile(results.SidecarPath(paths[1]))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(results.SidecarPath(stale), side, 0o644); err != nil {
		t.Fatal(err)
	}
	notParquet := filepath.Join(dir, "bad.parquet")
	if err := os.WriteFile(notParquet, []byte("PAR1 not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want string
	}{
		{stale, "metadata records 10 rows"},
		{notParquet, "bad.parquet"},
		{filepath.Join(dir, "missing.parquet"), "no such file"},
		{filepath.Join(dir, "x.json"), "want a .parquet or .csv extension"},
	}
	for _, tt := range tests {
		_, _, err := results.Read(tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Read(%s) error %v, want one containing %q", filepath.Base(tt.path), err, tt.want)
		}
	}
}
