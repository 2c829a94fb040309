package chattemplate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// goldenDir returns ../shared/golden relative to the repository root (the
// directory holding go.mod), or skips the test when it is absent.
func goldenDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("getwd: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test directory; golden data unavailable")
		}
		dir = parent
	}
	golden := filepath.Join(dir, "..", "shared", "golden")
	if _, err := os.Stat(golden); err != nil {
		t.Skipf("golden data not found at %s: %v", golden, err)
	}
	return golden
}

// writeFiles writes name → content files into a fresh temporary directory
// and returns it.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
	}
	return dir
}

// rawJSON is a JSON value for Options.Extra, key order kept.
func rawJSON(s string) json.RawMessage { return json.RawMessage(s) }
