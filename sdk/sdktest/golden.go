package sdktest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// UpdateGoldenEnv names the environment variable that makes Golden rewrite
// its files instead of comparing (VLMASK_UPDATE_GOLDEN=1 go test ./...). An
// environment variable rather than a flag: a flag registered by this
// package would collide with a test package's own -update.
const UpdateGoldenEnv = "VLMASK_UPDATE_GOLDEN"

// Golden compares v, as indented JSON, with the file at path; with
// VLMASK_UPDATE_GOLDEN=1 in the environment it writes the file instead. NaN and infinite floats cannot be written as
// JSON: compare such values another way.
func Golden(t testing.TB, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("golden %q: encode %T: %v", path, v, err)
	}
	got = append(got, '\n')
	if os.Getenv(UpdateGoldenEnv) == "1" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden %q: %v", path, err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden %q: %v", path, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %q: %v (run the test with %s=1 to create it)", path, err, UpdateGoldenEnv)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("golden %q differs (run with %s=1 to accept):\n--- got\n%s\n--- want\n%s", path, UpdateGoldenEnv, got, want)
	}
}
