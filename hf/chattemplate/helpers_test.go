package chattemplate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/internal/golden"
)

// goldenDir is the repository's golden data (testdata/golden).
func goldenDir(t testing.TB) string { return golden.Dir(t) }

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
