package results_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/vlmask/vlmask/internal/testenv"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/vlmask/vlmask/core/results"
)

// independentReaders are the readers of tools/parquet-reader/read.mjs and
// the package each needs in its node_modules.
var independentReaders = []struct{ name, module string }{
	{"hyparquet", "hyparquet"},
	{"hyparquet-1.5.0", "hyparquet-1.5.0"},
	{"duckdb", "@duckdb/node-api"},
}

// nodeColumn and nodeOutput mirror read.mjs's JSON.
type nodeColumn struct {
	Name       string  `json:"name"`
	Type       string  `json:"type"`
	Converted  *string `json:"converted"`
	Logical    *string `json:"logical"`
	Repetition *string `json:"repetition"`
}

type nodeOutput struct {
	Reader    string            `json:"reader"`
	Version   string            `json:"version"`
	CreatedBy *string           `json:"created_by"`
	KeyValue  map[string]string `json:"key_value"`
	Columns   []nodeColumn      `json:"columns"`
	NumRows   int64             `json:"num_rows"`
	Rows      [][]any           `json:"rows"`
}

// readerTool finds node and the installed reader project, or skips.
func readerTool(t *testing.T) (node, dir string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Missing(t, "node not found on PATH; the independent-reader test needs node >= 20 and scripts/install-test-tools.sh")
	}
	dir = filepath.Join(repoRoot(t), "tools", "parquet-reader")
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		testenv.Missing(t, "%s/node_modules missing; run scripts/install-test-tools.sh to install the pinned readers", dir)
	}
	return node, dir
}

// readWithNode runs read.mjs with one reader on path.
func readWithNode(t *testing.T, node, dir, reader, path string) nodeOutput {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "read.mjs"), "--reader", reader, path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", reader, err, stderr.String())
	}
	dec := json.NewDecoder(&stdout)
	dec.UseNumber()
	var out nodeOutput
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("%s: decode output: %v", reader, err)
	}
	return out
}

// columnKinds maps each column of a file with the given metrics to "int",
// "string" or "double" and whether it is nullable.
func columnKinds(metrics []string) (kinds []string, nullable []bool) {
	for _, name := range append(results.FixedColumns(), metrics...) {
		switch name {
		case "generation_step", "layer", "token_position", "token_id", "group_size":
			kinds, nullable = append(kinds, "int"), append(nullable, false)
		case "image_index", "patch_row", "patch_col":
			kinds, nullable = append(kinds, "int"), append(nullable, true)
		case "token_masked", "variant", "modality", "group_label", "prompt_name":
			kinds, nullable = append(kinds, "string"), append(nullable, false)
		case "l2_distance", "cosine_distance":
			kinds, nullable = append(kinds, "double"), append(nullable, false)
		default: // attention_weight and the metric columns
			kinds, nullable = append(kinds, "double"), append(nullable, true)
		}
	}
	return kinds, nullable
}

// checkNodeColumns compares a reader's column names and types with the
// layout.
func checkNodeColumns(t *testing.T, out nodeOutput, metrics []string) {
	t.Helper()
	names := append(results.FixedColumns(), metrics...)
	kinds, nullable := columnKinds(metrics)
	if len(out.Columns) != len(names) {
		t.Fatalf("%s sees %d columns, want %d", out.Reader, len(out.Columns), len(names))
	}
	for i, c := range out.Columns {
		if c.Name != names[i] {
			t.Errorf("%s column %d is %q, want %q", out.Reader, i, c.Name, names[i])
		}
		var want string
		if out.Reader == "duckdb" {
			want = map[string]string{"int": "BIGINT", "string": "VARCHAR", "double": "DOUBLE"}[kinds[i]]
		} else {
			want = map[string]string{"int": "INT64", "string": "BYTE_ARRAY", "double": "DOUBLE"}[kinds[i]]
			rep := "REQUIRED"
			if nullable[i] {
				rep = "OPTIONAL"
			}
			if c.Repetition == nil || *c.Repetition != rep {
				t.Errorf("%s column %s repetition %v, want %s", out.Reader, c.Name, c.Repetition, rep)
			}
			if kinds[i] == "string" && (c.Converted == nil || *c.Converted != "UTF8") {
				t.Errorf("%s column %s converted type %v, want UTF8", out.Reader, c.Name, c.Converted)
			}
		}
		if c.Type != want {
			t.Errorf("%s column %s type %q, want %q", out.Reader, c.Name, c.Type, want)
		}
	}
}

// jsonInt decodes a read.mjs integer (a decimal string) or null (-1).
func jsonInt(v any, nullable bool) (int, error) {
	if v == nil && nullable {
		return -1, nil
	}
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("integer %v (%T) is not a decimal string", v, v)
	}
	return strconv.Atoi(s)
}

// jsonDouble decodes a read.mjs double; ok is false for null.
func jsonDouble(v any) (f float64, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return 0, false, nil
	case json.Number:
		f, err = strconv.ParseFloat(string(x), 64)
		return f, true, err
	case string:
		switch x {
		case "NaN":
			return math.NaN(), true, nil
		case "Infinity":
			return math.Inf(1), true, nil
		case "-Infinity":
			return math.Inf(-1), true, nil
		case "-0":
			return math.Copysign(0, -1), true, nil
		}
	}
	return 0, false, fmt.Errorf("double %v (%T) not understood", v, v)
}

// rowFromNode rebuilds a Row from one read.mjs row.
func rowFromNode(vals []any, numMetrics int) (results.Row, error) {
	if len(vals) != len(results.FixedColumns())+numMetrics {
		return results.Row{}, fmt.Errorf("%d values, want %d", len(vals), len(results.FixedColumns())+numMetrics)
	}
	var errs []error
	intAt := func(i int, nullable bool) int {
		v, err := jsonInt(vals[i], nullable)
		if err != nil {
			errs = append(errs, fmt.Errorf("column %d: %w", i, err))
		}
		return v
	}
	strAt := func(i int) string {
		s, ok := vals[i].(string)
		if !ok {
			errs = append(errs, fmt.Errorf("column %d: %v (%T) is not a string", i, vals[i], vals[i]))
		}
		return s
	}
	dblAt := func(i int) (float64, bool) {
		f, ok, err := jsonDouble(vals[i])
		if err != nil {
			errs = append(errs, fmt.Errorf("column %d: %w", i, err))
		}
		return f, ok
	}
	var r results.Row
	r.Step, r.Layer = intAt(0, false), intAt(1, false)
	r.TokenMasked, r.TokenPosition, r.Variant = strAt(2), intAt(3, false), strAt(4)
	var ok bool
	if r.L2Distance, ok = dblAt(5); !ok {
		errs = append(errs, fmt.Errorf("l2_distance is null"))
	}
	if r.CosineDistance, ok = dblAt(6); !ok {
		errs = append(errs, fmt.Errorf("cosine_distance is null"))
	}
	r.AttentionWeight, r.HasAttentionWeight = dblAt(7)
	r.TokenID, r.Modality = intAt(8, false), strAt(9)
	r.ImageIndex, r.PatchRow, r.PatchCol = intAt(10, true), intAt(11, true), intAt(12, true)
	r.GroupLabel, r.GroupSize, r.PromptName = strAt(13), intAt(14, false), strAt(15)
	if numMetrics > 0 {
		r.Metrics = make([]float64, numMetrics)
		for k := range r.Metrics {
			f, ok := dblAt(16 + k)
			if !ok {
				f = math.NaN()
			}
			r.Metrics[k] = f
		}
	}
	if len(errs) > 0 {
		return r, errs[0]
	}
	return r, nil
}

// checkWithIndependentReaders reads path with every installed reader of
// read.mjs and compares column names, types, metadata and every value
// with want.
func checkWithIndependentReaders(t *testing.T, path string, metrics []string, want []results.Row, version string, complete bool) {
	t.Helper()
	node, dir := readerTool(t)
	for _, rd := range independentReaders {
		t.Run(rd.name, func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(dir, "node_modules", rd.module)); err != nil {
				testenv.Missing(t, "%s not installed in %s/node_modules; run scripts/install-test-tools.sh", rd.module, dir)
			}
			out := readWithNode(t, node, dir, rd.name, path)
			checkNodeColumns(t, out, metrics)
			if out.NumRows != int64(len(want)) || len(out.Rows) != len(want) {
				t.Fatalf("%s: num_rows %d, %d rows read, want %d", rd.name, out.NumRows, len(out.Rows), len(want))
			}
			if out.CreatedBy == nil || *out.CreatedBy != "vlmask version "+version {
				t.Errorf("%s: created_by %v, want %q", rd.name, out.CreatedBy, "vlmask version "+version)
			}
			if got, want := out.KeyValue[results.MetaKeyComplete], strconv.FormatBool(complete); got != want {
				t.Errorf("%s: key/value %s = %q, want %s", rd.name, results.MetaKeyComplete, got, want)
			}
			got := make([]results.Row, len(out.Rows))
			for i, vals := range out.Rows {
				r, err := rowFromNode(vals, len(metrics))
				if err != nil {
					t.Fatalf("%s row %d: %v", rd.name, i, err)
				}
				got[i] = r
			}
			assertRowsEqual(t, got, want)
		})
	}
}

// groupLabelHasPlainPages reports whether any group_label data page is
// PLAIN-encoded, i.e. its dictionary overflowed.
func groupLabelHasPlainPages(t *testing.T, path string) bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(results.FixedColumns(), results.ColumnGroupLabel)
	for _, rg := range pf.Metadata().RowGroups {
		for _, es := range rg.Columns[col].MetaData.EncodingStats {
			if es.PageType == format.DataPage && es.Encoding == format.Plain && es.Count > 0 {
				return true
			}
		}
	}
	return false
}

// TestIndependentReaders writes files with parquet-go and reads them with
// readers that share no code with it: hyparquet (the original viewers'
// library, newest and 1.5.0) and DuckDB.
func TestIndependentReaders(t *testing.T) {
	t.Parallel()
	readerTool(t)
	// parquet-go checks the dictionary limit (1 MiB) when a page is full,
	// which for dictionary indexes is after 65,536 values: 70,000 distinct
	// 30-byte labels make group_label's later pages fall back to PLAIN, so
	// the readers must handle a column chunk with both encodings.
	overflow := genRows(70_000, 0, 23)
	for i := range overflow {
		overflow[i].GroupLabel = fmt.Sprintf("group %06d of a very long run", i)
		overflow[i].Step = 0 // one step, so one segment with one dictionary per column chunk
	}
	// Rows of three steps: three segments, each a Parquet file of its own
	// inside the file, tied together by the final footer.
	steps := genRows(3000, 2, 31)
	for i := range steps {
		steps[i].Step = i / 1000
	}
	tests := []struct {
		name      string
		rows      []results.Row
		metrics   []string
		groupSz   int
		wantPlain bool // group_label must have fallen back to PLAIN pages
		long      bool // skipped with -short and -race
	}{
		{"tricky rows in several row groups", genRows(3000, 3, 19), []string{"kl_div", "js-div", "Rank2"}, 700, false, false},
		{"dictionary overflow", overflow, nil, 0, true, true},
		{"three steps, three segments", steps, []string{"kl_div", "rank"}, 400, false, false},
		{"no rows", nil, []string{"m"}, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.long && (testing.Short() || raceEnabled) {
				t.Skip("70,000 rows through three readers; skipped with -short and under the race detector")
			}
			t.Parallel()
			base := filepath.Join(t.TempDir(), "indep")
			paths := writeRows(t, base, results.Options{
				MetricColumns: tt.metrics,
				RowGroupRows:  tt.groupSz,
				Metadata:      map[string]string{"model": "tiny"},
				Version:       "0.0.1-test",
			}, tt.rows, 512)
			if got := groupLabelHasPlainPages(t, paths[0]); got != tt.wantPlain {
				t.Fatalf("group_label has PLAIN pages: %t, want %t", got, tt.wantPlain)
			}
			checkWithIndependentReaders(t, paths[0], tt.metrics, tt.rows, "0.0.1-test", true)
		})
	}
}
