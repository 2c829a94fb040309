package durable_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/hf/durable"
)

func TestSyncDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := durable.SyncDir(dir); err != nil {
		t.Errorf("SyncDir(%q) = %v", dir, err)
	}
	if err := durable.SyncDir(filepath.Join(dir, "missing")); err == nil && filepath.Separator == '/' {
		t.Error("SyncDir of a missing directory succeeded")
	}
}
