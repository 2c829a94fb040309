//go:build linux

package main

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vlmask/vlmask/core/results"
)

// startVlmask starts the CLI in dir as the leader of its own process
// group, as a shell starts a foreground job, so a signal to the group
// reaches vlmask and its plugins the way a terminal's Ctrl-C does.
func startVlmask(t *testing.T, dir string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &bytes.Buffer{}, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// shellStatus is the status a shell reports for a process: its exit code,
// or 128 + the signal that ended it. A Ctrl-C in the first milliseconds,
// before vlmask has set up its handler, ends the process by SIGINT itself:
// 130 too.
func shellStatus(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

// processesIn lists the processes whose working directory is dir: vlmask
// and its plugins, which inherit it.
func processesIn(dir string) []string {
	entries, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil || cwd != dir {
			continue
		}
		if stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil {
			if rest := string(stat[bytes.LastIndexByte(stat, ')')+2:]); strings.HasPrefix(rest, "Z") {
				continue // a zombie is gone, waiting only to be reaped
			}
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		out = append(out, e.Name()+" "+strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
	return out
}

// requireNoneLeft fails if any process still runs in dir a moment after
// vlmask exited.
func requireNoneLeft(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		left := processesIn(dir)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("processes left after vlmask exited: %v", left)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// requireWholeSteps checks an interrupted run's file against the complete
// run's rows: exactly the rows of its finished steps, bit for bit, and
// metadata that says how far it got.
func requireWholeSteps(t *testing.T, path string, reference []results.Row, planned int) results.Meta {
	t.Helper()
	rows, meta, err := results.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Complete || meta.StepsPlanned != planned {
		t.Errorf("%s: complete %t, %d steps planned; want incomplete of %d", path, meta.Complete, meta.StepsPlanned, planned)
	}
	var want []results.Row
	for _, r := range reference {
		if r.Step < meta.StepsFinished {
			want = append(want, r)
		}
	}
	if len(rows) != len(want) {
		t.Fatalf("%s: %d rows for %d finished steps, want %d (the rows of those steps, no more)", path, len(rows), meta.StepsFinished, len(want))
	}
	for i := range want {
		if !sameRow(rows[i], want[i]) || !sameMetrics(rows[i].Metrics, want[i].Metrics) {
			t.Fatalf("%s row %d:\n got %+v\nwant %+v", path, i, rows[i], want[i])
		}
	}
	return meta
}

func sameMetrics(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// TestInterruptMidStep: Ctrl-C in the middle of step 2 (its layer 0
// already written, layer 1 being scored) of a 3-step run. vlmask exits 130,
// leaves no plugin behind, and its file holds exactly steps 0 and 1 —
// compared row for row with an uninterrupted run — marked "2 of 3"; report
// and view say so on their first line.
func TestInterruptMidStep(t *testing.T) {
	needRuntime(t)
	dir := t.TempDir()
	plugins := t.TempDir()
	installFixture(t, plugins, "interrupt-at")
	image, err := filepath.Abs(repoFile("examples", "images", "house.png"))
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, "testmodel", "--out", "model")
	run := func(out, at string) []string {
		return []string{"run", "--model", "model", "--image", image, "--prompt", "What is this?", "--num-tokens", "3",
			"--mask-mode", "both", "--device", "cpu", "--output", out, "--quiet",
			"--plugin-dir", plugins, "--plugin", "interrupt-at", "--plugin-config", "interrupt-at=" + at}
	}
	mustRun(t, dir, run("whole", `{"at": "-1/0"}`)...)
	reference, meta, err := results.Read(filepath.Join(dir, "output", "whole.parquet"))
	if err != nil || !meta.Complete || meta.StepsFinished != 3 {
		t.Fatalf("the uninterrupted run: complete %t, %d steps, %v", meta.Complete, meta.StepsFinished, err)
	}

	cmd, stderr := startVlmask(t, dir, run("cut", `{"at": "2/1"}`)...)
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != ExitInterrupted {
		t.Fatalf("exit %d, want %d; stderr: %s", code, ExitInterrupted, stderr)
	}
	if m := regexp.MustCompile(`dropped the (\d+) rows of the step in progress`).FindStringSubmatch(stderr.String()); m == nil || m[1] == "0" {
		t.Errorf("stderr %q: want it to say how many rows of the unfinished step 2 were dropped (some were written)", stderr)
	}
	if line := stderr.String(); !strings.HasPrefix(line, "vlmask: interrupted: kept the 2 finished steps of 3") || strings.Contains(line, "context canceled") {
		t.Errorf("stderr %q: want one line saying the run was interrupted and what it kept", line)
	}
	requireNoneLeft(t, dir)
	cut := filepath.Join("output", "cut.parquet")
	meta = requireWholeSteps(t, filepath.Join(dir, cut), reference, 3)
	if meta.StepsFinished != 2 {
		t.Errorf("%d steps finished, want 2 (interrupted in step 2)", meta.StepsFinished)
	}
	for _, args := range [][]string{{"report", cut}, {"view", "--out", "cut.png", cut}} {
		res := mustRun(t, dir, args...)
		if first, _, _ := strings.Cut(res.stdout, "\n"); !strings.HasPrefix(first, "incomplete: 2 of 3 steps") {
			t.Errorf("vlmask %s: first line %q, want it to say incomplete: 2 of 3 steps", args[0], first)
		}
	}

	// A rerun asked to replace the complete file (--force) and interrupted
	// in step 1 keeps the complete file and writes its step beside it.
	cmd, stderr = startVlmask(t, dir, append(run("whole", `{"at": "1/0"}`), "--force")...)
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != ExitInterrupted {
		t.Fatalf("interrupted --force rerun: exit %d, want %d; stderr: %s", code, ExitInterrupted, stderr)
	}
	beside := filepath.Join("output", "whole.incomplete.parquet")
	if !strings.Contains(stderr.String(), beside) || !strings.Contains(stderr.String(), filepath.Join("output", "whole.parquet")+", which was already there and is kept") {
		t.Errorf("stderr %q: want it to name %s and the complete file it kept", stderr, beside)
	}
	if _, meta, err := results.Read(filepath.Join(dir, "output", "whole.parquet")); err != nil || !meta.Complete || meta.StepsFinished != 3 {
		t.Errorf("the complete file after an interrupted --force rerun: complete %t, %d steps, %v", meta.Complete, meta.StepsFinished, err)
	}
	if meta := requireWholeSteps(t, filepath.Join(dir, beside), reference, 3); meta.StepsFinished != 1 {
		t.Errorf("%s: %d steps finished, want 1", beside, meta.StepsFinished)
	}
}

// TestCtrlCAlwaysExits130: twenty Ctrl-Cs at random moments of a run —
// while plugins start, while the model loads, in the middle of steps —
// each to the whole process group as a terminal sends it. Every one exits
// 130, leaves no process behind and a file of whole steps only. A metric
// that takes 10 ms a layer makes every run last longer than the latest
// Ctrl-C (48 steps of 4 layers: about 2 s of it alone), so no trial can
// finish first, however fast or loaded the machine.
func TestCtrlCAlwaysExits130(t *testing.T) {
	needRuntime(t)
	if testing.Short() {
		t.Skip("twenty interrupted runs; skipped with -short")
	}
	root := t.TempDir()
	plugins := t.TempDir()
	installFixture(t, plugins, "slow")
	mustRun(t, root, "testmodel", "--out", "model")
	model := filepath.Join(root, "model")
	args := func(out string) []string {
		return []string{"run", "--model", model, "--prompt", "Tell me a story about a cat and a dog", "--num-tokens", "48",
			"--device", "cpu", "--output", out, "--quiet", "--plugin-dir", plugins, "--plugin", "slow"}
	}
	start := time.Now()
	mustRun(t, root, args("whole")...)
	whole := time.Since(start)
	reference, meta, err := results.Read(filepath.Join(root, "output", "whole.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if layers, _, _ := meta.NumLayers(); meta.StepsFinished*layers < 150 {
		t.Fatalf("the uninterrupted run has %d steps of %d layers: too short for the latest Ctrl-C", meta.StepsFinished, layers)
	}
	const latest = 1500 * time.Millisecond // under 150 layers × 10 ms
	seed := uint64(time.Now().UnixNano())
	t.Logf("an uninterrupted run takes %v; random seed %d", whole, seed)
	rng := rand.New(rand.NewPCG(seed, 130))
	for trial := 0; trial < 20; trial++ {
		dir := t.TempDir()
		delay := time.Duration(rng.Int64N(int64(latest)))
		cmd, stderr := startVlmask(t, dir, args("cut")...)
		time.Sleep(delay)
		if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
			t.Fatalf("trial %d: signal: %v", trial, err)
		}
		_ = cmd.Wait()
		if code := shellStatus(cmd.ProcessState); code != ExitInterrupted {
			t.Errorf("trial %d (Ctrl-C after %v): status %d, want %d; stderr: %s", trial, delay, code, ExitInterrupted, stderr)
		}
		requireNoneLeft(t, dir)
		out := filepath.Join(dir, "output", "cut.parquet")
		if _, err := os.Stat(out); err == nil {
			requireWholeSteps(t, out, reference, 48)
		}
		if t.Failed() {
			return
		}
	}
}
