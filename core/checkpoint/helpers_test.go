package checkpoint

import (
	"os"
	"path/filepath"
	"testing"
)

// goldenDir returns ../shared/golden next to the repository root (the
// directory holding go.mod), or skips the test when it is absent.
func goldenDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test directory, so no ../shared/golden")
		}
		dir = parent
	}
	golden := filepath.Join(dir, "..", "shared", "golden")
	if _, err := os.Stat(golden); err != nil {
		t.Skipf("golden data not found at %s: %v", golden, err)
	}
	return golden
}

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
