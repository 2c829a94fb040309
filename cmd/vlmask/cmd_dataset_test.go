package main

import (
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/dataset/datasettest"
	"github.com/vlmask/vlmask/internal/dataset/store"
	"github.com/vlmask/vlmask/internal/dataset/summary"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// studyLayout writes a tiny model, two images of different sizes and a
// six-row dataset (given and hash ids, one and two images, a text-only
// row, every mask mode) into a temporary directory.
func studyLayout(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := testmodel.Generate(filepath.Join(root, "model"), testmodel.Options{Seed: 3}); err != nil {
		t.Fatal(err)
	}
	copyFile(t, repoFile("examples", "images", "house.png"), filepath.Join(root, "study", "img", "house.png"))
	img := image.NewRGBA(image.Rect(0, 0, 96, 128))
	for y := range 128 {
		for x := range 96 {
			img.Set(x, y, color.RGBA{uint8(x * 2), uint8(y), uint8(x + y), 255})
		}
	}
	f, err := os.Create(filepath.Join(root, "study", "img", "ramp.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rows := `{"id": "house", "image": "img/house.png", "prompt": "What is this?", "num_tokens": 2, "label": "building"}
{"image": "img/ramp.png", "prompt": "Describe the colours.", "mask_mode": "vision"}
{"id": "capital", "prompt": "What is the capital of France?", "num_tokens": 3}
{"id": "pair", "image": ["img/house.png", "img/ramp.png"], "prompt": "<image> and <image>: which is brighter?", "mask_mode": "both"}
{"id": "roof", "image": "img/house.png", "prompt": "What colour is the roof?", "mask_mode": "all", "skip_per_head": true}
{"image": "img/ramp.png", "prompt": "Is it dark?", "num_tokens": 2}
`
	if err := os.WriteFile(filepath.Join(root, "study", "d.jsonl"), []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestRunDatasetShardsEqualWhole: a study run as three shards — told by
// --shard, by a Slurm array task's variables and by a Kubernetes Indexed
// Job's — is the same dataset as one unsharded run: the same row ids, the
// same values bit for bit, the same metadata but the command line and the
// shard. dataset check finds it whole, and says what is missing after a
// part is lost; dataset summary's numbers equal DuckDB's aggregation of the
// directory read with Hive partitioning.
func TestRunDatasetShardsEqualWhole(t *testing.T) {
	needRuntime(t)
	root := studyLayout(t)
	run := func(out string, env []string, args ...string) cliResult {
		t.Helper()
		res := vlmask(t, root, env, append([]string{"run", "--model", "model", "--dataset", "study/d.jsonl", "--output", out, "--device", "cpu"}, args...)...)
		if res.code != 0 {
			t.Fatalf("vlmask run %v (env %v): exit %d\n%s\n%s", args, env, res.code, res.stderr, res.stdout)
		}
		return res
	}
	run("whole", nil)
	run("sharded", nil, "--shard", "0/3")
	run("sharded", []string{"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=3", "SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_MAX=2"})
	last := run("sharded", []string{"JOB_COMPLETION_INDEX=2", "VLMASK_SHARDS=3"}, "--json")
	var res struct {
		Shard    string `json:"shard"`
		Assigned int    `json:"assigned"`
	}
	if err := json.Unmarshal([]byte(last.stdout), &res); err != nil || res.Shard != "2/3" {
		t.Errorf("--json of the Indexed Job's shard: %v %+v\n%s", err, res, last.stdout)
	}
	whole := datasettest.ReadDataset(t, filepath.Join(root, "whole"), store.MetaKeyRowID)
	sharded := datasettest.ReadDataset(t, filepath.Join(root, "sharded"), store.MetaKeyRowID)
	if len(whole) != 6 {
		t.Fatalf("%d parts, want 6", len(whole))
	}
	datasettest.CompareDatasets(t, sharded, whole, results.MetaKeyCommand, store.MetaKeyShard)
	for id, p := range whole {
		if p.Rows[0].PromptName != id || !strings.HasPrefix(p.Rel, "model=model/mask_mode=") {
			t.Errorf("part %s: prompt_name %s at %s", id, p.Rows[0].PromptName, p.Rel)
		}
	}
	if w := whole["house"]; !strings.Contains(w.Meta.Metadata[store.MetaKeyRow], `"label":"building"`) {
		t.Errorf("the row's extra field is not in its metadata: %s", w.Meta.Metadata[store.MetaKeyRow])
	}

	check := vlmask(t, root, nil, "dataset", "check", "sharded")
	if check.code != 0 || !strings.Contains(check.stdout, "ok: every row once") || !strings.Contains(check.stdout, "d.jsonl (6 rows)") {
		t.Errorf("check: exit %d\n%s%s", check.code, check.stdout, check.stderr)
	}
	// The summary of the real output equals DuckDB's aggregation of it.
	sum := vlmask(t, root, nil, "dataset", "summary", "--json", "--top", "0", "--bands", "2", "--grid", "3", "--variant", "Attn", "sharded")
	var s summary.Summary
	if sum.code != 0 || json.Unmarshal([]byte(sum.stdout), &s) != nil || len(s.Groups) != 3 {
		t.Fatalf("summary: exit %d %+v\n%s", sum.code, s, sum.stderr)
	}
	entries := map[datasettest.EntryKey]datasettest.EntryValue{}
	for _, g := range s.Groups {
		for b, band := range g.Bands {
			for kind, list := range map[string][]summary.Entry{"text": band.Text, "image": band.Image, "group": band.Groups} {
				for _, e := range list {
					entries[datasettest.EntryKey{Model: g.Model, MaskMode: g.MaskMode, Band: b, Kind: kind, Key: e.Key}] =
						datasettest.EntryValue{Mean: e.Mean, Count: e.Count, Rows: int64(e.Datasets)}
				}
			}
		}
	}
	datasettest.CompareSummaries(t, entries, datasettest.DuckDBSummary(t, filepath.Join(root, "sharded"), "Attn", "l2_distance", 2, 3))

	// Another shard count into the same directory is refused.
	if r := vlmask(t, root, nil, "run", "--model", "model", "--dataset", "study/d.jsonl", "--output", "sharded", "--device", "cpu", "--shard", "0/2"); r.code != ExitUsage || !strings.Contains(r.stderr, "3 shards") {
		t.Errorf("another shard count: exit %d\n%s", r.code, r.stderr)
	}
	// An Indexed Job pod without its shard count is refused.
	if r := vlmask(t, root, []string{"JOB_COMPLETION_INDEX=1"}, "run", "--model", "model", "--dataset", "study/d.jsonl", "--output", "x", "--device", "cpu"); r.code != ExitUsage || !strings.Contains(r.stderr, "VLMASK_SHARDS") {
		t.Errorf("JOB_COMPLETION_INDEX alone: exit %d\n%s", r.code, r.stderr)
	}
	// A lost part is missing.
	if err := os.Remove(filepath.Join(root, "sharded", sharded["capital"].Rel)); err != nil {
		t.Fatal(err)
	}
	if r := vlmask(t, root, nil, "dataset", "check", "--dataset", "study/d.jsonl", "sharded"); r.code != ExitIncomplete || !strings.Contains(r.stdout, "missing 1: capital") {
		t.Errorf("check after losing a part: exit %d\n%s", r.code, r.stdout)
	}
	ids := mustRun(t, root, "dataset", "ids", "--shards", "3", "study/d.jsonl")
	if !strings.Contains(ids.stdout, "6 rows in 3 shards") {
		t.Errorf("ids:\n%s", ids.stdout)
	}
}
