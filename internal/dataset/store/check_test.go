package store_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/dataset"
	"github.com/vlmask/vlmask/internal/dataset/datasettest"
	"github.com/vlmask/vlmask/internal/dataset/store"
)

func spec(id string) datasettest.Spec {
	return datasettest.Spec{ID: id, NumLayers: 2, Steps: 2, Text: []string{"a", "b"}, Grids: []results.Grid{{Rows: 2, Cols: 2}},
		Metadata: map[string]string{store.MetaKeyRowID: id}}
}

// TestCheck builds a dataset directory with one problem of each kind and
// checks that Check reports each, and nothing else.
func TestCheck(t *testing.T) {
	out := t.TempDir()
	ds := &dataset.File{Path: "/d.jsonl"}
	for _, id := range []string{"ok1", "ok2", "dup", "incomplete", "missing", "failed"} {
		ds.Rows = append(ds.Rows, dataset.Row{ID: id})
	}
	s, err := store.Open(out, "tiny")
	if err != nil {
		t.Fatal(err)
	}
	sh0, sh1 := dataset.Shard{Index: 0, Count: 2}, dataset.Shard{Index: 1, Count: 2}
	m, err := s.OpenManifest(sh0)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, id := range []string{"ok1", "ok2", "dup"} {
		p := datasettest.WritePart(t, s.PartBase("text", sh0, id), spec(id))
		meta, _ := results.ReadMeta(p)
		m.Append(store.Record{ID: id, MaskMode: "text", Status: store.StatusDone, Part: s.PartRel("text", sh0, id), Rows: meta.Rows, Shard: sh0.String()})
	}
	datasettest.WritePart(t, s.PartBase("text", sh1, "dup"), spec("dup"))
	inc := spec("incomplete")
	inc.Incomplete = true
	datasettest.WritePart(t, s.PartBase("text", sh1, "incomplete"), inc)
	datasettest.WritePart(t, s.PartBase("vision", sh1, "ok1"), spec("ok1"))
	m.Append(store.Record{ID: "failed", MaskMode: "text", Status: store.StatusFailed, Error: "image missing", Shard: sh0.String()})
	// A killed run's recovery, named like a part of another id.
	stray := filepath.Join(s.PartitionDir("text", sh0), "part-ok2.recovered-20260101T000000.parquet")
	datasettest.WritePart(t, stray[:len(stray)-len(".parquet")], spec("ok2"))
	os.WriteFile(filepath.Join(s.PartitionDir("text", sh0), ".part-x.parquet.tmp-123"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(out, "loose.parquet"), []byte("x"), 0o644)
	datasettest.WritePart(t, s.PartBase("text", sh0, "not-in-dataset"), spec("not-in-dataset"))

	rep, err := store.Check(out, ds)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Models) != 1 || len(rep.Stray) != 1 || rep.Stray[0].Path != filepath.Join(out, "loose.parquet") {
		t.Fatalf("report %+v", rep)
	}
	mr := rep.Models[0]
	if !slices.Equal(mr.Missing, []string{"incomplete", "missing", "failed"}) {
		t.Errorf("missing %v", mr.Missing)
	}
	if len(mr.Failed) != 1 || mr.Failed[0].ID != "failed" || mr.Failed[0].Error != "image missing" {
		t.Errorf("failed %+v", mr.Failed)
	}
	if len(mr.Duplicates) != 1 || mr.Duplicates[0].ID != "dup" || len(mr.Duplicates[0].Parts) != 2 {
		t.Errorf("duplicates %+v", mr.Duplicates)
	}
	if len(mr.Incomplete) != 1 || filepath.Base(mr.Incomplete[0].Path) != "part-incomplete.parquet" {
		t.Errorf("incomplete %+v", mr.Incomplete)
	}
	if len(mr.Stray) != 1 || mr.Stray[0].Path != stray {
		t.Errorf("stray %+v", mr.Stray)
	}
	if !slices.Equal(mr.Unknown, []string{"not-in-dataset"}) || len(mr.Leftovers) != 1 {
		t.Errorf("unknown %v, leftovers %v", mr.Unknown, mr.Leftovers)
	}
	rows := int64(len(datasettest.Rows(spec("x"))))
	want := []store.Partition{{MaskMode: "text", Parts: 5, Rows: 5 * rows}, {MaskMode: "vision", Parts: 1, Rows: rows}}
	if !slices.Equal(mr.Partitions, want) {
		t.Errorf("partitions %+v, want %+v", mr.Partitions, want)
	}
}

// TestCheckClean: a directory holding every row once is OK.
func TestCheckClean(t *testing.T) {
	out := t.TempDir()
	s, _ := store.Open(out, "tiny")
	ds := &dataset.File{}
	for i, id := range []string{"a", "b", "c"} {
		ds.Rows = append(ds.Rows, dataset.Row{ID: id})
		datasettest.WritePart(t, s.PartBase("both", dataset.Shard{Index: i % 2, Count: 2}, id), spec(id))
	}
	rep, err := store.Check(out, ds)
	if err != nil || !rep.OK {
		t.Fatalf("report %+v, %v", rep, err)
	}
	ds.Rows = append(ds.Rows, dataset.Row{ID: "d"})
	if rep, _ := store.Check(out, ds); rep.OK || !slices.Equal(rep.Models[0].Missing, []string{"d"}) {
		t.Errorf("a missing row passed: %+v", rep)
	}
}
