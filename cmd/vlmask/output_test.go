package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// TestCompleteOutputIsNotOverwritten: running the same command twice does
// not replace the first run's complete file: exit 5 before the model
// loads, naming the file, --force and --output; --force replaces it.
func TestCompleteOutputIsNotOverwritten(t *testing.T) {
	needRuntime(t)
	root := demoLayout(t)
	args := []string{"run", "--model", "build/demo-model", "--prompt", "Hi", "--format", "parquet,csv", "--output", "twice", "--device", "cpu"}
	mustRun(t, root, args...)
	out := filepath.Join(root, "output", "twice.parquet")
	before := mustReadFile(t, out)
	res := vlmask(t, root, nil, append(args, "--verbose")...)
	if res.code != ExitOutput {
		t.Fatalf("second run: exit %d, want %d\n%s", res.code, ExitOutput, res.stderr)
	}
	for _, s := range []string{filepath.Join("output", "twice.parquet"), "--force", "--output"} {
		if !strings.Contains(res.stderr, s) {
			t.Errorf("stderr %q does not name %s", res.stderr, s)
		}
	}
	if strings.Contains(res.stderr, "model loaded") || !bytes.Equal(mustReadFile(t, out), before) {
		t.Error("the refused run loaded the model or touched the file")
	}
	mustRun(t, root, append(args, "--force")...)
	if meta, err := results.ReadMeta(filepath.Join(root, "output", "twice.csv")); err != nil || !meta.Complete {
		t.Errorf("--force: the CSV reads %v, %v", meta.Complete, err)
	}
}
