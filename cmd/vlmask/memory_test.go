package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestMemoryCheck: a run or generation whose memory estimate exceeds the
// memory available (--memory-available here) is refused before the model
// loads, with exit 3 and one line naming the numbers and the way to run
// anyway; --no-memory-check runs it; a size that does not parse is a usage
// error.
func TestMemoryCheck(t *testing.T) {
	needRuntime(t)
	root := demoLayout(t)
	model := filepath.Join(root, "build", "demo-model")
	input := []string{"--model", model, "--image", "examples/images/house.png", "--prompt", "What is this?", "--device", "cpu"}
	for _, cmd := range [][]string{{"run", "--output", "refused"}, {"generate"}} {
		res := vlmask(t, root, nil, append(append(cmd, input...), "--memory-available", "1MiB")...)
		if res.code != ExitInput {
			t.Errorf("%s with 1 MiB: exit %d, want %d\n%s", cmd[0], res.code, ExitInput, res.stderr)
		}
		for _, want := range []string{"not enough memory: the run needs about ", " MiB (weights ", "but --memory-available gives 1 MiB", "--no-memory-check to run anyway"} {
			if !strings.Contains(res.stderr, want) {
				t.Errorf("%s with 1 MiB: stderr lacks %q:\n%s", cmd[0], want, res.stderr)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(root, "output", "refused.parquet")); err == nil {
		t.Error("the refused run wrote output/refused.parquet")
	}
	res := mustRun(t, root, append([]string{"run", "--output", "anyway", "--memory-available", "1MiB", "--no-memory-check", "--verbose"}, input...)...)
	if !strings.Contains(res.stderr, "--no-memory-check: running anyway") {
		t.Errorf("--no-memory-check did not say it ran anyway:\n%s", res.stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "output", "anyway.parquet")); err != nil {
		t.Errorf("--no-memory-check: %v", err)
	}
	if res := vlmask(t, root, nil, append([]string{"generate", "--memory-available", "lots"}, input...)...); res.code != ExitUsage {
		t.Errorf("--memory-available lots: exit %d, want %d\n%s", res.code, ExitUsage, res.stderr)
	}
}

// TestMemoryCheckPerRow: a dataset or batch loads its model once, so each
// row is checked before it runs, against the memory there was before the
// model loaded: with room for a short row but not for one of 3,000 steps,
// the short one is analysed and the long one fails naming the numbers, and
// the run exits 3.
func TestMemoryCheckPerRow(t *testing.T) {
	needRuntime(t)
	root := demoLayout(t)
	model := filepath.Join(root, "build", "demo-model")
	write := func(name, text string) string {
		path := filepath.Join(root, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	short := `{"id": "short", "prompt": "What is the capital of France?"}` + "\n"
	long := `{"id": "long", "prompt": "What is the capital of France?", "num_tokens": 3000}` + "\n"

	// The short row's estimate, as the run logs it.
	res := mustRun(t, root, "run", "--model", model, "--dataset", write("short.jsonl", short), "--output", "probe", "--device", "cpu", "--verbose")
	needs := regexp.MustCompile(`memory estimate: need="([0-9.]+) MiB"`).FindAllStringSubmatch(res.stderr, -1)
	if len(needs) < 2 {
		t.Fatalf("no estimate of the model and of the row in the log:\n%s", res.stderr)
	}
	need, err := strconv.ParseFloat(needs[len(needs)-1][1], 64)
	if err != nil {
		t.Fatal(err)
	}
	memory := strconv.Itoa(int(need)+4) + "MiB"

	res = vlmask(t, root, nil, "run", "--model", model, "--dataset", write("both.jsonl", short+long), "--output", "study", "--device", "cpu", "--memory-available", memory)
	if res.code != ExitInput || !strings.Contains(res.stdout, "1 analysed") || !strings.Contains(res.stdout, "failed long: ") ||
		!strings.Contains(res.stdout, "not enough memory") || !strings.Contains(res.stdout, "fewer --num-tokens") {
		t.Errorf("dataset with %s: exit %d, want %d with the short row analysed and the long one failed for want of memory\nstdout: %s\nstderr: %s",
			memory, res.code, ExitInput, res.stdout, res.stderr)
	}

	batch := write("batch.yaml", "model:\n  path: \""+model+"\"\nprompts:\n"+
		"  - name: short\n    prompt: \"What is the capital of France?\"\n    num_tokens: 1\n"+
		"  - name: long\n    prompt: \"What is the capital of France?\"\n    num_tokens: 3000\n")
	res = vlmask(t, root, nil, "run", "--config", batch, "--output", "batch", "--device", "cpu", "--memory-available", memory)
	if res.code != ExitInput || !strings.Contains(res.stderr, "prompt long: ") || !strings.Contains(res.stderr, "not enough memory") {
		t.Errorf("batch with %s: exit %d, want %d with prompt long refused for want of memory\nstderr: %s", memory, res.code, ExitInput, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "batch", "short.parquet")); err != nil {
		t.Errorf("the short prompt of the batch: %v", err)
	}
}

func TestParseBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"1500000000", 1500000000, true},
		{"24GiB", 24 << 30, true},
		{"24G", 24 << 30, true},
		{"1.5 GiB", 3 << 29, true},
		{"512MiB", 512 << 20, true},
		{"2GB", 2e9, true},
		{"64KB", 64000, true},
		{"1TiB", 1 << 40, true},
		{"lots", 0, false},
		{"-1GiB", 0, false},
		{"GiB", 0, false},
		{"1e30TiB", 0, false},
	} {
		got, ok := parseBytes(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseBytes(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
