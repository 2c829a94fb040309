package sdktest

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update is the -update flag of every test binary that imports sdktest.
// It is package state by necessity: flags must exist before the test
// binary parses its arguments.
var update = flag.Bool("update", false, "rewrite golden files instead of comparing with them")

// Golden compares v, as indented JSON, with the file at path; with -update
// it writes the file instead. NaN and infinite floats cannot be written as
// JSON: compare such values another way.
func Golden(t testing.TB, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("golden %q: encode %T: %v", path, v, err)
	}
	got = append(got, '\n')
	if *update {
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
		t.Fatalf("golden %q: %v (run the test with -update to create it)", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("golden %q differs (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
