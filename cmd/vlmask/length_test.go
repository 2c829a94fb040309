package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// setMaxPositions rewrites a checkpoint's max_position_embeddings.
func setMaxPositions(t *testing.T, model string, n int) {
	t.Helper()
	path := filepath.Join(model, "config.json")
	var cfg map[string]any
	if err := json.Unmarshal(mustReadFile(t, path), &cfg); err != nil {
		t.Fatal(err)
	}
	text, ok := cfg["text_config"].(map[string]any)
	if !ok {
		text = cfg
	}
	text["max_position_embeddings"] = n
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPromptLongerThanTheModel: a prompt whose tokens and steps need more
// positions than max_position_embeddings is refused (exit 3) by run and
// generate before anything is written, or run with a warning under
// --allow-long-context. The limit is set one past the prompt, so two steps
// fit and three do not.
func TestPromptLongerThanTheModel(t *testing.T) {
	needRuntime(t)
	root := demoLayout(t)
	model := filepath.Join(root, "build", "demo-model")
	res := mustRun(t, root, "inputs", "--model", model, "--prompt", "Hi", "--json")
	var in struct {
		IDs []int `json:"input_ids"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &in); err != nil || len(in.IDs) == 0 {
		t.Fatalf("inputs --json: %v\n%s", err, res.stdout)
	}
	setMaxPositions(t, model, len(in.IDs)+1)
	args := func(cmd string, steps int, extra ...string) []string {
		return append([]string{cmd, "--model", model, "--prompt", "Hi", "--num-tokens", strconv.Itoa(steps), "--device", "cpu"}, extra...)
	}
	mustRun(t, root, args("run", 2, "--output", "fits")...)
	for _, a := range [][]string{args("run", 3, "--output", "long"), args("generate", 3)} {
		res := vlmask(t, root, nil, a...)
		cmd := a[0]
		if res.code != ExitInput || !strings.Contains(res.stderr, "max_position_embeddings") || !strings.Contains(res.stderr, "--allow-long-context") {
			t.Errorf("%s, one step too many: exit %d, want %d naming max_position_embeddings and the flag\n%s", cmd, res.code, ExitInput, res.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "output", "long.parquet")); err == nil {
		t.Error("the refused run wrote a file")
	}
	res = mustRun(t, root, args("run", 3, "--output", "long", "--allow-long-context")...)
	if !strings.Contains(res.stderr, "max_position_embeddings") {
		t.Errorf("--allow-long-context gave no warning:\n%s", res.stderr)
	}
}
