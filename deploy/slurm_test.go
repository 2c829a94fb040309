package deploy_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/dataset/datasettest"
	"github.com/vlmask/vlmask/internal/dataset/store"
	"github.com/vlmask/vlmask/internal/testenv"
	"github.com/vlmask/vlmask/internal/testmodel"
)

const (
	shards  = 4
	numRows = 12
)

// shardOf is the documented assignment, written here again so the test
// does not take it from the code under test: SHA-256 of the id, first 8
// bytes big-endian, modulo the shard count.
func shardOf(id string) int {
	sum := sha256.Sum256([]byte(id))
	return int(binary.BigEndian.Uint64(sum[:8]) % shards)
}

// TestSlurmArray submits the repository's deploy/slurm/array.sbatch to a
// real single-node Slurm cluster as a 4-task array over a 12-row dataset
// with the tiny test model; cancels one array task (scancel) after its
// first finished row, lets the others finish, resubmits that task alone and
// checks that it resumes: the rows it had finished are neither redone nor
// duplicated, and the merged dataset equals one single-process run row for
// row (every value bit for bit, the same row ids, the same metadata but the
// command line and the shard). DuckDB reads the merged dataset with Hive
// partitioning and finds the same rows.
func TestSlurmArray(t *testing.T) {
	if _, _, err := ort.FindLibrary(""); err != nil {
		testenv.Missing(t, "ONNX Runtime not found (run `make ort`): %v", err)
	}
	repo := datasettest.RepoRoot(t)
	start := time.Now()
	c := startCluster(t, repo)
	t.Logf("cluster up in %.1fs", time.Since(start).Seconds())
	work := t.TempDir()
	bin := filepath.Join(work, "bin", "vlmask")
	build := exec.Command("go", "build", "-o", bin, "./cmd/vlmask")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if err := testmodel.Generate(filepath.Join(work, "model"), testmodel.Options{Seed: 5}); err != nil {
		t.Fatal(err)
	}
	ids, target, slow := writeStudy(t, repo, work)
	t.Logf("setup done at %.1fs; shard %d has rows %v", time.Since(start).Seconds(), target, slow)

	out := filepath.Join(work, "out")
	manifest := filepath.Join(out, "_vlmask", "model=model", fmt.Sprintf("shard-%04d.jsonl", target))
	submit := func(array string) string {
		return c.sbatch("--array="+array, "--cpus-per-task=1", "--mem=1G", "--chdir="+work,
			"--output="+filepath.Join(work, "logs", "%A_%a.out"),
			"--export=ALL,VLMASK_SHARDS="+strconv.Itoa(shards)+",VLMASK_MODEL="+filepath.Join(work, "model")+
				",VLMASK_DATASET="+filepath.Join(work, "study", "d.jsonl")+",VLMASK_OUTPUT="+out+",VLMASK_BIN="+bin+",VLMASK_DEVICE=cpu",
			filepath.Join(repo, "deploy", "slurm", "array.sbatch"))
	}
	if err := os.MkdirAll(filepath.Join(work, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	job := submit(fmt.Sprintf("0-%d%%2", shards-1))
	task := fmt.Sprintf("%s_%d", job, target)
	c.waitFor(3*time.Minute, "the first finished row of task "+task, func() bool { return len(doneIDs(t, manifest)) > 0 })
	c.mustRun("scancel", task)
	c.waitJob(task, time.Minute)
	before := doneIDs(t, manifest)
	if len(before) == 0 || len(before) >= len(slow) {
		t.Fatalf("task %s had finished %d of its %d rows when scancel reached it; the test needs it stopped half-way (make its rows slower)", task, len(before), len(slow))
	}
	killedLog := readLog(t, work, task)
	if !strings.Contains(killedLog, "interrupted") {
		t.Errorf("the cancelled task's log does not say it was interrupted:\n%s", killedLog)
	}
	c.waitJob(job, 4*time.Minute)
	t.Logf("array done at %.1fs; task %s was cancelled after %d of %d rows", time.Since(start).Seconds(), task, len(before), len(slow))

	// The dataset is not whole: check says which rows are missing.
	check := runVlmask(t, work, bin, "dataset", "check", "--json", out)
	var rep store.Report
	if check.code != 6 || json.Unmarshal([]byte(check.stdout), &rep) != nil || len(rep.Models) != 1 {
		t.Fatalf("check after the cancellation: exit %d\n%s%s", check.code, check.stdout, check.stderr)
	}
	var wantMissing []string
	for _, id := range slow {
		if !slices.Contains(before, id) {
			wantMissing = append(wantMissing, id)
		}
	}
	if !slices.Equal(rep.Models[0].Missing, wantMissing) || len(rep.Models[0].Duplicates)+len(rep.Models[0].Incomplete)+len(rep.Models[0].Stray) != 0 {
		t.Errorf("check after the cancellation: missing %v, want %v; report %+v", rep.Models[0].Missing, wantMissing, rep.Models[0])
	}
	finishedParts := map[string]os.FileInfo{}
	for _, id := range before {
		finishedParts[id] = statPart(t, out, target, id)
	}

	// Resubmitted alone, the task resumes its shard.
	again := submit(strconv.Itoa(target))
	c.waitJob(again, 3*time.Minute)
	resumedLog := readLog(t, work, fmt.Sprintf("%s_%d", again, target))
	if want := fmt.Sprintf("%d finished before", len(before)); !strings.Contains(resumedLog, want) {
		t.Errorf("the resubmitted task's log lacks %q:\n%s", want, resumedLog)
	}
	t.Logf("resubmitted task done at %.1fs", time.Since(start).Seconds())
	if r := runVlmask(t, work, bin, "dataset", "check", out); r.code != 0 {
		t.Fatalf("check after resuming: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for id, st := range finishedParts {
		now := statPart(t, out, target, id)
		if !os.SameFile(st, now) || !st.ModTime().Equal(now.ModTime()) {
			t.Errorf("row %s, finished before the cancellation, was written again", id)
		}
	}
	records := map[string]int{}
	recs, err := filepath.Glob(filepath.Join(out, "_vlmask", "model=model", "shard-*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range recs {
		for _, id := range doneIDs(t, m) {
			records[id]++
		}
	}
	for _, id := range ids {
		if records[id] != 1 {
			t.Errorf("row %s was finished %d times, want once", id, records[id])
		}
	}

	// The merged dataset equals one single-process run.
	ref := filepath.Join(work, "ref")
	if r := runVlmask(t, work, bin, "run", "--model", "model", "--dataset", "study/d.jsonl", "--output", ref, "--device", "cpu"); r.code != 0 {
		t.Fatalf("single-process run: exit %d\n%s", r.code, r.stderr)
	}
	t.Logf("reference done at %.1fs", time.Since(start).Seconds())
	merged := datasettest.ReadDataset(t, out, store.MetaKeyRowID)
	whole := datasettest.ReadDataset(t, ref, store.MetaKeyRowID)
	datasettest.CompareDatasets(t, merged, whole, results.MetaKeyCommand, store.MetaKeyShard)
	var tableRows int64
	for id, p := range merged {
		tableRows += int64(len(p.Rows))
		if want := fmt.Sprintf("shard=%04d", shardOf(id)); !strings.Contains(p.Rel, want) {
			t.Errorf("row %s is in %s, want its shard %s", id, p.Rel, want)
		}
	}

	// DuckDB reads it as one table, partitioned.
	glob := filepath.Join(out, "**", "*.parquet")
	res := datasettest.DuckDB(t, fmt.Sprintf(`SELECT count(*), count(DISTINCT prompt_name), count(DISTINCT model), count(DISTINCT shard), min(model)
FROM read_parquet('%s', hive_partitioning = true)`, glob))
	got := fmt.Sprint(res.Rows[0])
	if want := fmt.Sprintf("[%d %d 1 %d model]", tableRows, numRows, shards); got != want {
		t.Errorf("DuckDB reads %s (rows, row ids, models, shards, model), want %s", got, want)
	}
}

// writeStudy writes the dataset: twelve rows with ids r01..r12, with one
// image, two images or none, every mask mode and a few steps each; the
// rows after the first of the shard with the most rows get many steps, so
// that its task is still working when the test cancels it. It returns the
// ids, that shard and its rows.
func writeStudy(t *testing.T, repo, work string) (ids []string, target int, rows []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repo, "examples", "images", "house.png"))
	if err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(work, "study", "img")
	if err := os.MkdirAll(img, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(img, "house.png"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	ramp := image.NewRGBA(image.Rect(0, 0, 80, 112))
	for y := range 112 {
		for x := range 80 {
			ramp.Set(x, y, color.RGBA{uint8(3 * x), uint8(2 * y), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, ramp); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(img, "ramp.png"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	perShard := make([][]string, shards)
	for i := range numRows {
		id := fmt.Sprintf("r%02d", i+1)
		ids = append(ids, id)
		perShard[shardOf(id)] = append(perShard[shardOf(id)], id)
	}
	for s := range perShard {
		if len(perShard[s]) > len(perShard[target]) {
			target = s
		}
	}
	images := [][]string{{"img/house.png"}, {"img/ramp.png"}, {"img/house.png", "img/ramp.png"}, nil}
	modes := []string{"text", "vision", "both"}
	var lines []string
	for i, id := range ids {
		row := map[string]any{"id": id, "prompt": fmt.Sprintf("Question %d: what is shown?", i+1), "mask_mode": modes[i%3], "num_tokens": 2 + i%3}
		if im := images[i%4]; im != nil {
			row["image"] = im
		} else {
			row["mask_mode"] = "text"
		}
		if shardOf(id) == target && id != perShard[target][0] {
			row["num_tokens"] = 64
		}
		b, _ := json.Marshal(row)
		lines = append(lines, string(b))
	}
	if err := os.WriteFile(filepath.Join(work, "study", "d.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return ids, target, perShard[target]
}

// doneIDs reads the ids a manifest records as done.
func doneIDs(t *testing.T, manifest string) []string {
	t.Helper()
	b, err := os.ReadFile(manifest)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, line := range strings.Split(string(b), "\n") {
		var r struct{ ID, Status string }
		if json.Unmarshal([]byte(line), &r) == nil && r.Status == "done" {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

var partRe = regexp.MustCompile(`^mask_mode=[a-z]+$`)

// statPart finds a row's part in its shard's directory.
func statPart(t *testing.T, out string, shard int, id string) os.FileInfo {
	t.Helper()
	modes, _ := os.ReadDir(filepath.Join(out, "model=model"))
	for _, m := range modes {
		if !partRe.MatchString(m.Name()) {
			continue
		}
		st, err := os.Stat(filepath.Join(out, "model=model", m.Name(), fmt.Sprintf("shard=%04d", shard), "part-"+id+".parquet"))
		if err == nil {
			return st
		}
	}
	t.Fatalf("no part of row %s", id)
	return nil
}

func readLog(t *testing.T, work, task string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(work, "logs", task+".out"))
	if err != nil {
		t.Fatalf("the log of task %s: %v", task, err)
	}
	return string(b)
}

type result struct {
	code           int
	stdout, stderr string
}

// runVlmask runs the built vlmask in dir, outside Slurm.
func runVlmask(t *testing.T, dir, bin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "SLURM_") && !strings.HasPrefix(e, "VLMASK_") && !strings.HasPrefix(e, "JOB_COMPLETION_INDEX=") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.code = ee.ExitCode()
		if st, ok := ee.Sys().(syscall.WaitStatus); ok && st.Signaled() {
			t.Fatalf("vlmask %v killed by %v", args, st.Signal())
		}
	} else if err != nil {
		t.Fatalf("vlmask %v: %v", args, err)
	}
	return res
}
