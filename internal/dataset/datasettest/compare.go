package datasettest

import (
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// Part is one part read back: its rows and metadata.
type Part struct {
	Rel  string // path below the output directory's model= partition's parent
	Rows []results.Row
	Meta results.Meta
}

// ReadDataset reads every part under out, keyed by the row id its
// metadata records (key), and fails the test if a row id appears twice.
func ReadDataset(t testing.TB, out, key string) map[string]Part {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(out, "model=*", "mask_mode=*", "shard=*", "*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]Part{}
	for _, p := range files {
		rows, m, err := results.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		id := m.Metadata[key]
		if prev, dup := parts[id]; dup {
			t.Fatalf("row %s has two parts: %s and %s", id, prev.Rel, p)
		}
		rel, _ := filepath.Rel(out, p)
		parts[id] = Part{Rel: rel, Rows: rows, Meta: m}
	}
	return parts
}

// CompareDatasets fails the test unless got and want hold the same row
// ids, each with the same rows (every value equal, NaN equal to NaN) and
// the same metadata except the keys in ignore.
func CompareDatasets(t testing.TB, got, want map[string]Part, ignore ...string) {
	t.Helper()
	ids := func(m map[string]Part) []string {
		var out []string
		for id := range m {
			out = append(out, id)
		}
		slices.Sort(out)
		return out
	}
	if g, w := ids(got), ids(want); !slices.Equal(g, w) {
		t.Fatalf("row ids %v, want %v", g, w)
	}
	for id, w := range want {
		g := got[id]
		if len(g.Rows) != len(w.Rows) {
			t.Errorf("row %s: %d table rows, want %d", id, len(g.Rows), len(w.Rows))
			continue
		}
		for i := range w.Rows {
			if !sameRow(g.Rows[i], w.Rows[i]) {
				t.Errorf("row %s table row %d:\n got %+v\nwant %+v", id, i, g.Rows[i], w.Rows[i])
				break
			}
		}
		gm, wm := clean(g.Meta.Metadata, ignore), clean(w.Meta.Metadata, ignore)
		if !reflect.DeepEqual(gm, wm) {
			for k := range wm {
				if gm[k] != wm[k] {
					t.Errorf("row %s metadata %s: %q, want %q", id, k, gm[k], wm[k])
				}
			}
			for k := range gm {
				if _, ok := wm[k]; !ok {
					t.Errorf("row %s metadata %s: %q, not in the reference", id, k, gm[k])
				}
			}
		}
		if g.Meta.Complete != w.Meta.Complete || g.Meta.StepsFinished != w.Meta.StepsFinished || g.Meta.Rows != w.Meta.Rows {
			t.Errorf("row %s: complete %v steps %d rows %d, want %v %d %d", id, g.Meta.Complete, g.Meta.StepsFinished, g.Meta.Rows,
				w.Meta.Complete, w.Meta.StepsFinished, w.Meta.Rows)
		}
	}
}

func clean(m map[string]string, ignore []string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if !slices.Contains(ignore, k) {
			out[k] = v
		}
	}
	return out
}

// sameRow compares rows bit for bit (NaN equals NaN).
func sameRow(a, b results.Row) bool {
	eq := func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(y) || (math.IsNaN(x) && math.IsNaN(y))
	}
	if !eq(a.L2Distance, b.L2Distance) || !eq(a.CosineDistance, b.CosineDistance) || !eq(a.AttentionWeight, b.AttentionWeight) ||
		len(a.Metrics) != len(b.Metrics) {
		return false
	}
	for i := range a.Metrics {
		if !eq(a.Metrics[i], b.Metrics[i]) {
			return false
		}
	}
	a.L2Distance, a.CosineDistance, a.AttentionWeight, a.Metrics = 0, 0, 0, nil
	b.L2Distance, b.CosineDistance, b.AttentionWeight, b.Metrics = 0, 0, 0, nil
	return reflect.DeepEqual(a, b)
}
