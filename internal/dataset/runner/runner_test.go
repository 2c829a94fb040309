package runner_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/dataset"
	"github.com/vlmask/vlmask/internal/dataset/runner"
	"github.com/vlmask/vlmask/internal/dataset/store"
	"github.com/vlmask/vlmask/internal/run"
)

func testFile(n int) *dataset.File {
	f := &dataset.File{Path: "/study/d.jsonl"}
	for i := range n {
		f.Rows = append(f.Rows, dataset.Row{ID: fmt.Sprintf("img-%02d", i), Line: i + 1, Prompt: "What is this?", NumTokens: 1 + i%2})
	}
	return f
}

func baseSettings() run.Settings {
	return run.Settings{NumTokens: 1, Method: core.MethodFast, MaskMode: "text", Formats: []results.Format{results.FormatParquet}}
}

// runShard runs one shard with a fake analyzer and counts model loads.
func runShard(t *testing.T, ctx context.Context, out string, f *dataset.File, sh dataset.Shard, an *fake, loads *int) (*runner.Result, error) {
	t.Helper()
	s, err := store.Open(out, "tiny")
	if err != nil {
		t.Fatal(err)
	}
	return runner.Run(ctx, runner.Config{
		Store: s, File: f, Shard: sh, Base: baseSettings(),
		Open: func(context.Context) (runner.Analyzer, error) { *loads++; return an, nil },
	})
}

// readParts reads every part under out, by row id; a second part of an id
// fails the test.
func readParts(t *testing.T, out string) map[string][]results.Row {
	t.Helper()
	parts := map[string][]results.Row{}
	files, _ := filepath.Glob(filepath.Join(out, "model=*", "mask_mode=*", "shard=*", "*.parquet"))
	for _, p := range files {
		rows, m, err := results.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		id := m.Metadata[store.MetaKeyRowID]
		if _, dup := parts[id]; dup {
			t.Fatalf("row %s has two parts", id)
		}
		parts[id] = rows
	}
	return parts
}

// TestShardsMergeToWhole: three shards together write every row once, and
// the same rows as one unsharded run.
func TestShardsMergeToWhole(t *testing.T) {
	f := testFile(10)
	sharded, whole := t.TempDir(), t.TempDir()
	loads := 0
	total := 0
	for i := range 3 {
		an := &fake{t: t}
		res, err := runShard(t, context.Background(), sharded, f, dataset.Shard{Index: i, Count: 3}, an, &loads)
		if err != nil {
			t.Fatal(err)
		}
		if res.Done != res.Assigned || len(an.calls()) != res.Assigned {
			t.Errorf("shard %d: %+v, analysed %v", i, res, an.calls())
		}
		total += res.Assigned
	}
	if total != 10 {
		t.Errorf("shards own %d rows of 10", total)
	}
	if _, err := runShard(t, context.Background(), whole, f, dataset.Whole, &fake{t: t}, &loads); err != nil {
		t.Fatal(err)
	}
	a, b := readParts(t, sharded), readParts(t, whole)
	if len(a) != 10 || !reflect.DeepEqual(a, b) {
		t.Fatalf("sharded parts %d, whole %d, equal %v", len(a), len(b), reflect.DeepEqual(a, b))
	}
	for id, rows := range a {
		if rows[0].PromptName != id {
			t.Fatalf("part of %s has prompt_name %s", id, rows[0].PromptName)
		}
	}
	rep, err := store.Check(sharded, f)
	if err != nil || !rep.OK {
		t.Fatalf("check: %+v, %v", rep, err)
	}
}

// TestResumeAfterInterruption: a shard stopped in the middle of a row keeps
// its finished rows, moves the interrupted row's part aside, and its next
// run analyses only the rows it had not finished.
func TestResumeAfterInterruption(t *testing.T) {
	f := testFile(6)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	an := &fake{t: t, interruptAt: "img-02", cancel: cancel}
	loads := 0
	res, err := runShard(t, ctx, out, f, dataset.Whole, an, &loads)
	if !errors.Is(err, context.Canceled) || !res.Interrupted || res.Done != 2 || len(res.Aside) != 1 {
		t.Fatalf("first run: %+v, %v", res, err)
	}
	if _, err := os.Stat(res.Aside[0]); err != nil || strings.HasSuffix(res.Aside[0], ".parquet") {
		t.Errorf("incomplete part moved to %s: %v", res.Aside[0], err)
	}
	if rep, _ := store.Check(out, f); rep.OK || len(rep.Models[0].Incomplete) != 0 || len(rep.Models[0].Missing) != 4 {
		t.Errorf("after the interruption: %+v", rep.Models)
	}
	an2 := &fake{t: t}
	res, err = runShard(t, context.Background(), out, f, dataset.Whole, an2, &loads)
	if err != nil || res.Skipped != 2 || res.Done != 4 {
		t.Fatalf("second run: %+v, %v", res, err)
	}
	if got, want := an2.calls(), []string{"img-02", "img-03", "img-04", "img-05"}; !slices.Equal(got, want) {
		t.Errorf("second run analysed %v, want %v", got, want)
	}
	if rep, _ := store.Check(out, f); !rep.OK {
		t.Errorf("check after resuming: %+v", rep.Models)
	}
	// A third run finds everything finished and does not load the model.
	loads = 0
	res, err = runShard(t, context.Background(), out, f, dataset.Whole, &fake{t: t}, &loads)
	if err != nil || res.Skipped != 6 || loads != 0 || res.ModelLoaded {
		t.Errorf("third run: %+v, %v, %d loads", res, err, loads)
	}
}

// TestResumeAfterKill: what a SIGKILL leaves — a complete part written but
// not recorded, an incomplete part, a file a killed run's recovery wrote, a
// writer's temporary file — is adopted or moved aside, and nothing is
// analysed twice.
func TestResumeAfterKill(t *testing.T) {
	f := testFile(4)
	out := t.TempDir()
	s, _ := store.Open(out, "tiny")
	set := baseSettings()
	meta := func(id string) map[string]string { return map[string]string{store.MetaKeyRowID: id} }
	sp := fakeSpec("img-00", run.Settings{NumTokens: 1, Metadata: meta("img-00")})
	writePart(t, s.PartBase("text", dataset.Whole, "img-00"), sp)
	inc := fakeSpec("img-01", run.Settings{NumTokens: 2, Metadata: meta("img-01")})
	inc.Incomplete = true
	writePart(t, s.PartBase("text", dataset.Whole, "img-01"), inc)
	rec := fakeSpec("img-02", run.Settings{NumTokens: 1, Metadata: meta("img-02")})
	writePart(t, s.PartBase("text", dataset.Whole, "img-02")+".recovered-20260101T000000", rec)
	_ = set
	temp := filepath.Join(s.PartitionDir("text", dataset.Whole), ".part-img-03.parquet.tmp-123")
	if err := os.WriteFile(temp, []byte("PAR1"), 0o644); err != nil {
		t.Fatal(err)
	}
	an := &fake{t: t}
	loads := 0
	res, err := runShard(t, context.Background(), out, f, dataset.Whole, an, &loads)
	if err != nil || res.Adopted != 1 || res.Done != 3 || len(res.Aside) != 3 {
		t.Fatalf("run: %+v, %v", res, err)
	}
	if got := an.calls(); !slices.Equal(got, []string{"img-01", "img-02", "img-03"}) {
		t.Errorf("analysed %v", got)
	}
	if rep, _ := store.Check(out, f); !rep.OK {
		t.Errorf("check: %+v %+v", rep, rep.Models)
	}
}

// TestFailedRowsAreRetried: a failing row is recorded and reported with
// its kind, the others finish, and the next run tries it again.
func TestFailedRowsAreRetried(t *testing.T) {
	f := testFile(3)
	out := t.TempDir()
	an := &fake{t: t, fail: map[string]error{"img-01": &run.Error{Kind: run.KindInput, Err: errors.New("image missing")}}}
	loads := 0
	res, err := runShard(t, context.Background(), out, f, dataset.Whole, an, &loads)
	if run.KindOf(err) != run.KindInput || len(res.Failed) != 1 || res.Done != 2 || !strings.Contains(err.Error(), "row 2 (id img-01)") {
		t.Fatalf("run: %+v, %v", res, err)
	}
	rep, _ := store.Check(out, f)
	if rep.OK || len(rep.Models[0].Failed) != 1 || !strings.Contains(rep.Models[0].Failed[0].Error, "image missing") || rep.Models[0].Failed[0].Kind != "input" {
		t.Errorf("check: %+v", rep.Models)
	}
	an2 := &fake{t: t}
	if res, err := runShard(t, context.Background(), out, f, dataset.Whole, an2, &loads); err != nil || res.Done != 1 || !slices.Equal(an2.calls(), []string{"img-01"}) {
		t.Fatalf("retry: %+v, %v, %v", res, err, an2.calls())
	}
}

// TestRunRefusals: another shard count, or the same shard running twice.
func TestRunRefusals(t *testing.T) {
	f := testFile(4)
	out := t.TempDir()
	loads := 0
	if _, err := runShard(t, context.Background(), out, f, dataset.Shard{Index: 0, Count: 2}, &fake{t: t}, &loads); err != nil {
		t.Fatal(err)
	}
	_, err := runShard(t, context.Background(), out, f, dataset.Shard{Index: 0, Count: 1}, &fake{t: t}, &loads)
	if !errors.Is(err, store.ErrLayoutMismatch) || run.KindOf(err) != run.KindUsage {
		t.Errorf("another shard count: %v", err)
	}
	s, _ := store.Open(out, "tiny")
	m, err := s.OpenManifest(dataset.Shard{Index: 1, Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	_, err = runShard(t, context.Background(), out, f, dataset.Shard{Index: 1, Count: 2}, &fake{t: t}, &loads)
	if !errors.Is(err, store.ErrShardBusy) {
		t.Errorf("a busy shard: %v", err)
	}
}

// TestPluginPartition: rows naming a masking plugin go to a partition
// named after it; a built-in named as a plugin goes to its mode's.
func TestPluginPartition(t *testing.T) {
	f := testFile(2)
	f.Rows[0].Plugins = []string{"region-window"}
	f.Rows[1].Plugins = []string{"masking-vision"}
	out := t.TempDir()
	s, _ := store.Open(out, "tiny")
	an := &fake{t: t, strategy: "region-window"}
	for i, strategy := range []string{"region-window", "masking-vision"} {
		an.strategy = strategy
		one := &dataset.File{Path: f.Path, Rows: f.Rows[i : i+1]}
		if _, err := runner.Run(context.Background(), runner.Config{Store: s, File: one, Shard: dataset.Whole, Base: baseSettings(),
			Open: func(context.Context) (runner.Analyzer, error) { return an, nil }}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"mask_mode=region-window/shard=0000/part-img-00.parquet", "mask_mode=vision/shard=0000/part-img-01.parquet"} {
		if _, err := os.Stat(filepath.Join(out, "model=tiny", p)); err != nil {
			t.Error(err)
		}
	}
}
