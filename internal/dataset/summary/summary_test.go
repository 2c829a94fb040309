package summary_test

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/dataset"
	"github.com/vlmask/vlmask/internal/dataset/datasettest"
	"github.com/vlmask/vlmask/internal/dataset/store"
	"github.com/vlmask/vlmask/internal/dataset/summary"
)

// buildDataset writes a dataset of two models and two mask modes, with
// shared and distinct tokens, images of different grids, groups and an
// incomplete part.
func buildDataset(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	type part struct {
		model, mode string
		shard       int
		spec        datasettest.Spec
	}
	sp := func(id string, text []string, grids []results.Grid, group string) datasettest.Spec {
		return datasettest.Spec{ID: id, NumLayers: 5, Steps: 2, Text: text, Grids: grids, Group: group,
			Metadata: map[string]string{store.MetaKeyRowID: id}}
	}
	parts := []part{
		{"qwen-a", "text", 0, sp("r1", []string{"What", " is", " this"}, []results.Grid{{Rows: 2, Cols: 3}}, "")},
		{"qwen-a", "text", 1, sp("r2", []string{"What", " colour"}, []results.Grid{{Rows: 4, Cols: 4}, {Rows: 1, Cols: 2}}, "question")},
		{"qwen-a", "text", 1, sp("r3", []string{"Describe", " this"}, nil, "")},
		{"qwen-a", "vision", 0, sp("r1", []string{"What"}, []results.Grid{{Rows: 3, Cols: 5}}, "")},
		{"qwen-a", "vision", 2, sp("r2", nil, []results.Grid{{Rows: 4, Cols: 4}}, "")},
		{"qwen-b", "both", 0, sp("r1", []string{"What", " is"}, []results.Grid{{Rows: 2, Cols: 2}}, "pair")},
	}
	for _, p := range parts {
		s, err := store.Open(out, p.model)
		if err != nil {
			t.Fatal(err)
		}
		datasettest.WritePart(t, s.PartBase(p.mode, dataset.Shard{Index: p.shard, Count: 3}, p.spec.ID), p.spec)
	}
	s, _ := store.Open(out, "qwen-a")
	inc := sp("r4", []string{"Ignored"}, nil, "")
	inc.Incomplete = true
	datasettest.WritePart(t, s.PartBase("text", dataset.Shard{Index: 2, Count: 3}, "r4"), inc)
	return out
}

type entryKey struct {
	model, mode string
	band        int
	kind, key   string
}

type entryVal struct {
	mean        float64
	count, rows int64
}

// TestSummaryEqualsDuckDB: every pooled mean, count and row count of the
// summary equals what DuckDB computes from the same directory, read with
// Hive partitioning as a user reads it. Means may differ in the last bits
// only (DuckDB sums in another order), so they are compared to 1e-12
// relative; counts exactly.
func TestSummaryEqualsDuckDB(t *testing.T) {
	out := buildDataset(t)
	const bands, grid = 3, 2
	got, err := summary.Summarize(out, summary.Options{Top: -1, Bands: bands, Grid: grid, ChunkRows: 37})
	if err != nil {
		t.Fatal(err)
	}
	mine := map[entryKey]entryVal{}
	parts := map[string]int{}
	for _, g := range got.Groups {
		parts[g.Model+"/"+g.MaskMode] = g.Parts
		for b, band := range g.Bands {
			for kind, list := range map[string][]summary.Entry{"text": band.Text, "image": band.Image, "group": band.Groups} {
				for _, e := range list {
					mine[entryKey{g.Model, g.MaskMode, b, kind, e.Key}] = entryVal{e.Mean, e.Count, int64(e.Datasets)}
				}
			}
		}
	}
	if len(got.Groups) != 3 || len(got.Groups[1].Skipped) != 0 || len(got.Groups[0].Skipped) != 1 {
		t.Fatalf("groups %+v", got.Groups)
	}
	glob := filepath.Join(out, "**", "*.parquet")
	sql := fmt.Sprintf(`
WITH kv AS (
  SELECT file_name,
    max(CASE WHEN decode(key) = 'vlmask.num_layers' THEN decode(value) END)::INTEGER AS layers,
    max(CASE WHEN decode(key) = 'vlmask.image_grids' THEN decode(value) END) AS grids,
    max(CASE WHEN decode(key) = 'vlmask.complete' THEN decode(value) END) AS complete
  FROM parquet_kv_metadata('%[1]s') GROUP BY file_name),
r AS (
  SELECT t.*, kv.layers, kv.grids
  FROM read_parquet('%[1]s', hive_partitioning = true, filename = true) t JOIN kv ON kv.file_name = t.filename
  WHERE kv.complete = 'true' AND t.variant = 'Full' AND NOT isnan(t.l2_distance)),
k AS (
  SELECT model, mask_mode, filename, l2_distance AS v,
    layer * least(%[2]d, layers) // layers AS band,
    CASE WHEN group_size > 1 THEN 'group' WHEN modality = 'text' THEN 'text' WHEN image_index >= 0 THEN 'image' ELSE 'group' END AS kind,
    CASE WHEN group_size > 1 THEN group_label WHEN modality = 'text' THEN token_masked
      WHEN image_index >= 0 THEN 'r' || (patch_row * %[3]d // json_extract(grids, '$[' || image_index || '][0]')::INTEGER)
                              || ' c' || (patch_col * %[3]d // json_extract(grids, '$[' || image_index || '][1]')::INTEGER)
      ELSE group_label END AS key
  FROM r)
SELECT model, mask_mode, band, kind, key, avg(v) AS mean, count(*) AS n, count(DISTINCT filename) AS rows
FROM k GROUP BY ALL ORDER BY ALL`, glob, bands, grid)
	res := datasettest.DuckDB(t, sql)
	if len(res.Rows) != len(mine) {
		t.Errorf("DuckDB has %d entries, the summary %d", len(res.Rows), len(mine))
	}
	for _, row := range res.Rows {
		band, _ := strconv.Atoi(fmt.Sprint(row[2]))
		k := entryKey{fmt.Sprint(row[0]), fmt.Sprint(row[1]), band, fmt.Sprint(row[3]), fmt.Sprint(row[4])}
		mean, _ := row[5].(json.Number).Float64()
		n, _ := strconv.ParseInt(fmt.Sprint(row[6]), 10, 64)
		rows, _ := strconv.ParseInt(fmt.Sprint(row[7]), 10, 64)
		m, ok := mine[k]
		switch {
		case !ok:
			t.Errorf("%+v: in DuckDB's result, not in the summary", k)
		case m.count != n || m.rows != rows || math.Abs(m.mean-mean) > 1e-12*math.Abs(mean):
			t.Errorf("%+v: summary mean %v count %d rows %d; DuckDB %v, %d, %d", k, m.mean, m.count, m.rows, mean, n, rows)
		}
	}
	counts := datasettest.DuckDB(t, fmt.Sprintf(`SELECT model || '/' || mask_mode, count(DISTINCT filename)
FROM read_parquet('%s', hive_partitioning = true, filename = true) WHERE prompt_name <> 'r4' GROUP BY ALL`, glob))
	for _, row := range counts.Rows {
		n, _ := strconv.Atoi(fmt.Sprint(row[1]))
		if parts[fmt.Sprint(row[0])] != n {
			t.Errorf("%s: summary counts %d parts, DuckDB %d", row[0], parts[fmt.Sprint(row[0])], n)
		}
	}
}

// TestSummaryRanking: top keeps the largest means, bands split the layers
// as the report does, and the text form names them.
func TestSummaryRanking(t *testing.T) {
	out := buildDataset(t)
	s, err := summary.Summarize(out, summary.Options{Top: 2})
	if err != nil {
		t.Fatal(err)
	}
	g := s.Groups[0]
	if g.Model != "qwen-a" || g.MaskMode != "text" || g.Parts != 3 || g.NumLayers != 5 || len(g.Bands) != 3 {
		t.Fatalf("group %+v", g)
	}
	if b := g.Bands[1]; b.FirstLayer != 1 || b.LastLayer != 2 || len(b.Text) != 2 || b.Text[0].Mean < b.Text[1].Mean {
		t.Errorf("band %+v", b)
	}
	var sb strings.Builder
	if err := s.Write(&sb); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"model=qwen-a mask_mode=text", "3 dataset rows", "skipped 1 incomplete", "middle layers 1–2", "image"} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, sb.String())
		}
	}
	if _, err := summary.Summarize(out, summary.Options{Metric: "no_such_column"}); err == nil {
		t.Error("an unknown value column was accepted")
	}
}
