package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vlmask/vlmask/internal/dataset"
	"github.com/vlmask/vlmask/internal/dataset/store"
)

func TestLabels(t *testing.T) {
	for in, want := range map[string]string{
		"Qwen3-VL-2B-Instruct": "Qwen3-VL-2B-Instruct",
		"my model (v2)":        "my_model__v2_",
		".hidden":              "x.hidden",
		"":                     "x",
	} {
		if got := store.Label(in); got != want {
			t.Errorf("Label(%q) = %q, want %q", in, got, want)
		}
		if err := store.ValidateLabel(store.Label(in)); err != nil {
			t.Errorf("Label(%q) is not valid: %v", in, err)
		}
	}
	dir := filepath.Join(t.TempDir(), "checkpoints", "tiny-qwen")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := store.ModelLabel(dir); got != "tiny-qwen" {
		t.Errorf("ModelLabel(dir) = %q", got)
	}
	if got := store.ModelLabel("Qwen/Qwen3-VL-2B-Instruct"); got != "Qwen--Qwen3-VL-2B-Instruct" {
		t.Errorf("ModelLabel(hub id) = %q", got)
	}
	if _, err := store.Open(t.TempDir(), "a/b"); !errors.Is(err, store.ErrInvalidLabel) {
		t.Errorf("Open with a bad label: %v", err)
	}
}

func TestPaths(t *testing.T) {
	s, err := store.Open("/out", "tiny")
	if err != nil {
		t.Fatal(err)
	}
	sh := dataset.Shard{Index: 3, Count: 16}
	if got := s.PartBase("vision", sh, "q1"); got != "/out/model=tiny/mask_mode=vision/shard=0003/part-q1" {
		t.Errorf("PartBase = %s", got)
	}
	if got := s.PartRel("vision", sh, "q1"); got != "model=tiny/mask_mode=vision/shard=0003/part-q1.parquet" {
		t.Errorf("PartRel = %s", got)
	}
	for name, want := range map[string]string{"part-q1.parquet": "q1", "part-a.b-c.parquet": "a.b-c", "part-.parquet": "", "part-q1.csv": "", "q1.parquet": ""} {
		if got, _ := store.PartID(name); got != want {
			t.Errorf("PartID(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestManifest: records are appended durably and read back in order, a
// torn last line is skipped and repaired, and a second opener of the same
// shard is refused while the first holds it.
func TestManifest(t *testing.T) {
	s, err := store.Open(t.TempDir(), "m")
	if err != nil {
		t.Fatal(err)
	}
	sh := dataset.Shard{Index: 1, Count: 4}
	m, err := s.OpenManifest(sh)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenManifest(sh); !errors.Is(err, store.ErrShardBusy) {
		t.Fatalf("second open: %v, want ErrShardBusy", err)
	}
	for _, r := range []store.Record{
		{ID: "a", MaskMode: "text", Status: store.StatusFailed, Error: "boom", Shard: sh.String()},
		{ID: "a", MaskMode: "text", Status: store.StatusDone, Part: "x/part-a.parquet", Rows: 3, Shard: sh.String()},
	} {
		if err := m.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.OpenFile(m.Path(), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"id":"b","mask_mode":"te`) // a kill in the middle of a line
	f.Close()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m2, err := s.OpenManifest(sh)
	if err != nil {
		t.Fatalf("reopen after the holder closed: %v", err)
	}
	if err := m2.Append(store.Record{ID: "c", MaskMode: "text", Status: store.StatusDone, Part: "y", Shard: sh.String()}); err != nil {
		t.Fatal(err)
	}
	m2.Close()
	recs, bad, err := s.Records()
	if err != nil {
		t.Fatal(err)
	}
	if bad != 1 || len(recs) != 3 || recs[0].Status != store.StatusFailed || recs[1].Rows != 3 || recs[2].ID != "c" {
		t.Fatalf("records %+v, bad %d", recs, bad)
	}
}

func TestEnsureLayout(t *testing.T) {
	s, err := store.Open(t.TempDir(), "m")
	if err != nil {
		t.Fatal(err)
	}
	want := store.Layout{Shards: 4, Settings: map[string]string{"method": "fast", "num_tokens": "(per row)"}, Dataset: "/d.jsonl"}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.EnsureLayout(want) // shards starting together
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for name, l := range map[string]store.Layout{
		"other shard count": {Shards: 1, Settings: want.Settings},
		"other settings":    {Shards: 4, Settings: map[string]string{"method": "recompute", "num_tokens": "(per row)"}},
		"a new setting":     {Shards: 4, Settings: map[string]string{"method": "fast", "num_tokens": "(per row)", "plugins": "x"}},
	} {
		_, err := s.EnsureLayout(l)
		if !errors.Is(err, store.ErrLayoutMismatch) {
			t.Errorf("%s: %v, want ErrLayoutMismatch", name, err)
		}
	}
	if _, err := s.EnsureLayout(store.Layout{Shards: 1, Settings: want.Settings}); err == nil || !strings.Contains(err.Error(), "--shards 4") {
		t.Errorf("the shard count error does not say what to pass: %v", err)
	}
	got, ok, err := s.ReadLayout()
	if err != nil || !ok || got.Shards != 4 || got.Dataset != "/d.jsonl" {
		t.Errorf("ReadLayout = %+v, %v, %v", got, ok, err)
	}
}

func TestMoveAside(t *testing.T) {
	out := t.TempDir()
	s, err := store.Open(out, "m")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(s.PartitionDir("text", dataset.Whole), "part-x.parquet")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, []byte("x"), 0o644)
	dest, err := s.MoveAside(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Error("the file is still in the dataset")
	}
	if !strings.HasPrefix(dest, filepath.Join(out, "_vlmask", "model=m", "aside")) || strings.HasSuffix(dest, ".parquet") {
		t.Errorf("moved to %s", dest)
	}
	if _, err := s.MoveAside("/etc/passwd"); err == nil {
		t.Error("moved a file from outside the output directory")
	}
}
