package checkpoint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/internal/golden"
)

// goldenDir is the repository's golden data (testdata/golden).
func goldenDir(t *testing.T) string { return golden.Dir(t) }

// writeCheckpoint writes config.json (and generation_config.json unless
// generation is empty) into a fresh directory.
func writeCheckpoint(t *testing.T, config, generation string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ConfigFileName), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	if generation != "" {
		if err := os.WriteFile(filepath.Join(dir, GenerationConfigFileName), []byte(generation), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
