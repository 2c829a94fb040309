package datasettest

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// EntryKey names one pooled entry of a dataset summary: a model, mask
// mode, layer band, kind (text, image, group) and key (token text,
// "r<row> c<col>", group label).
type EntryKey struct {
	Model, MaskMode string
	Band            int
	Kind, Key       string
}

// EntryValue is an entry's mean, the number of values averaged and the
// number of parts (dataset rows) they came from.
type EntryValue struct {
	Mean        float64
	Count, Rows int64
}

// DuckDBSummary computes, with DuckDB over every part under out read with
// Hive partitioning, what `vlmask dataset summary` reports: for each model,
// mask mode, band of layers (layer × bands ÷ the part's layer count,
// integer division, bands at most the layer count), and pooled entry —
// text tokens by text, image patches by the cell of a grid × grid grid
// over their image (patch_row × grid ÷ the image's grid rows, from the
// part's vlmask.image_grids), groups of several tokens by label — the mean
// of the metric over the variant's rows, leaving out NaN values and parts
// not marked complete. It is written from the documented definition, not
// from the summary's code.
func DuckDBSummary(t testing.TB, out, variant, metric string, bands, grid int) map[EntryKey]EntryValue {
	t.Helper()
	glob := filepath.Join(out, "**", "*.parquet")
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	sql := fmt.Sprintf(`
WITH kv AS (
  SELECT file_name,
    max(CASE WHEN decode(key) = 'vlmask.num_layers' THEN decode(value) END)::INTEGER AS layers,
    max(CASE WHEN decode(key) = 'vlmask.image_grids' THEN decode(value) END) AS grids,
    max(CASE WHEN decode(key) = 'vlmask.complete' THEN decode(value) END) AS complete
  FROM parquet_kv_metadata(%[1]s) GROUP BY file_name),
r AS (
  SELECT t.*, kv.layers, kv.grids
  FROM read_parquet(%[1]s, hive_partitioning = true, filename = true) t JOIN kv ON kv.file_name = t.filename
  WHERE kv.complete = 'true' AND t.variant = %[4]s AND NOT isnan(t.%[5]s)),
k AS (
  SELECT model, mask_mode, filename, %[5]s AS v,
    layer * least(%[2]d, layers) // layers AS band,
    CASE WHEN group_size > 1 THEN 'group' WHEN modality = 'text' THEN 'text' WHEN image_index >= 0 THEN 'image' ELSE 'group' END AS kind,
    CASE WHEN group_size > 1 THEN group_label WHEN modality = 'text' THEN token_masked
      WHEN image_index >= 0 THEN 'r' || (patch_row * %[3]d // json_extract(grids, '$[' || image_index || '][0]')::INTEGER)
                              || ' c' || (patch_col * %[3]d // json_extract(grids, '$[' || image_index || '][1]')::INTEGER)
      ELSE group_label END AS key
  FROM r)
SELECT model, mask_mode, band, kind, key, avg(v) AS mean, count(*) AS n, count(DISTINCT filename) AS rows
FROM k GROUP BY ALL ORDER BY ALL`, q(glob), bands, grid, q(variant), metric)
	res := DuckDB(t, sql)
	out2 := map[EntryKey]EntryValue{}
	for _, row := range res.Rows {
		band, _ := strconv.Atoi(fmt.Sprint(row[2]))
		mean, _ := row[5].(json.Number).Float64()
		n, _ := strconv.ParseInt(fmt.Sprint(row[6]), 10, 64)
		rows, _ := strconv.ParseInt(fmt.Sprint(row[7]), 10, 64)
		out2[EntryKey{fmt.Sprint(row[0]), fmt.Sprint(row[1]), band, fmt.Sprint(row[3]), fmt.Sprint(row[4])}] = EntryValue{mean, n, rows}
	}
	return out2
}

// CompareSummaries fails the test unless got (from vlmask) and want (from
// DuckDB) hold the same entries with the same counts and means equal to
// 1e-12 relative (the two sum in different orders).
func CompareSummaries(t testing.TB, got, want map[EntryKey]EntryValue) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("the summary has %d entries, DuckDB %d", len(got), len(want))
	}
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("%+v: in DuckDB's result, not in the summary", k)
		case g.Count != w.Count || g.Rows != w.Rows || !near(g.Mean, w.Mean):
			t.Errorf("%+v: summary mean %v count %d rows %d; DuckDB %v, %d, %d", k, g.Mean, g.Count, g.Rows, w.Mean, w.Count, w.Rows)
		}
	}
}

func near(a, b float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	m := b
	if m < 0 {
		m = -m
	}
	return d <= 1e-12*m
}
