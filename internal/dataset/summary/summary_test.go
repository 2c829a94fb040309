package summary_test

import (
	"fmt"
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
	got2 := map[datasettest.EntryKey]datasettest.EntryValue{}
	for k, v := range mine {
		got2[datasettest.EntryKey{Model: k.model, MaskMode: k.mode, Band: k.band, Kind: k.kind, Key: k.key}] = datasettest.EntryValue{Mean: v.mean, Count: v.count, Rows: v.rows}
	}
	datasettest.CompareSummaries(t, got2, datasettest.DuckDBSummary(t, out, "Full", "l2_distance", bands, grid))
	glob := filepath.Join(out, "**", "*.parquet")
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
