package datasettest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/vlmask/vlmask/internal/testenv"
)

// QueryResult is what tools/parquet-reader/query.mjs prints.
type QueryResult struct {
	Version string   `json:"version"`
	Columns []string `json:"columns"`
	// Rows hold JSON values: strings, json.Number, nil.
	Rows [][]any `json:"rows"`
}

// DuckDB runs a query with DuckDB through tools/parquet-reader/query.mjs,
// a reader independent of vlmask. Without node or the installed tools it
// skips the test (fails under VLMASK_REQUIRE_TEST_TOOLS=1).
func DuckDB(t testing.TB, sql string) QueryResult {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Missing(t, "node not found on PATH; DuckDB checks need node >= 20 and scripts/install-test-tools.sh")
	}
	dir := filepath.Join(RepoRoot(t), "tools", "parquet-reader")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@duckdb", "node-api")); err != nil {
		testenv.Missing(t, "%s/node_modules lacks DuckDB; run scripts/install-test-tools.sh", dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "query.mjs"), sql)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("DuckDB query: %v\n%s\nquery: %s", err, stderr.String(), sql)
	}
	dec := json.NewDecoder(&stdout)
	dec.UseNumber()
	var out QueryResult
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("DuckDB output: %v", err)
	}
	return out
}

// RepoRoot is the repository's root: the nearest directory above the
// working directory that holds go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}
