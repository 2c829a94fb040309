package hub_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/hf/hub"
)

// TestList: the cache's loadable snapshots, with their refs, size and
// family; incomplete snapshots and other repositories are left out.
func TestList(t *testing.T) {
	h, first := newHub(t)
	files := map[string][]byte{}
	for _, f := range wantFiles {
		files[f] = readFile(t, f)
	}
	files["generation_config.json"] = []byte(`{"max_new_tokens": 3}`)
	second := h.Commit(modelID, "dev", files)
	o := options(t, h)
	download(t, o)
	o.Revision = "dev"
	download(t, o)
	o.Revision = second
	download(t, o)
	// Debris that is not a loadable model.
	for _, d := range []string{
		"models--org--config-only/snapshots/" + first,
		"datasets--org--data/snapshots/" + first,
		"models--bad/snapshots/x",
	} {
		if err := os.MkdirAll(filepath.Join(o.CacheDir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(o.CacheDir, "models--org--config-only/snapshots", first, "config.json"), []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}

	got, err := hub.List(o.CacheDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d models listed, want 2: %+v", len(got), got)
	}
	var size int64
	for _, f := range wantFiles {
		size += int64(len(readFile(t, f)))
	}
	for i, want := range []struct {
		commit string
		refs   []string
	}{{first, []string{"main"}}, {second, []string{"dev"}}} {
		m := got[i]
		if m.ID != modelID || m.Commit != want.commit || len(m.Refs) != 1 || m.Refs[0] != want.refs[0] || m.ModelType != "qwen3_vl" {
			t.Errorf("model %d: %+v, want commit %s refs %v", i, m, want.commit, want.refs)
		}
		if m.Dir != filepath.Join(repoDir(o), "snapshots", want.commit) {
			t.Errorf("model %d dir %s", i, m.Dir)
		}
		if i == 0 && m.Size != size {
			t.Errorf("size %d, want %d", m.Size, size)
		}
	}
	if got, err := hub.List(filepath.Join(t.TempDir(), "none")); err != nil || len(got) != 0 {
		t.Errorf("a missing cache: %v, %v", got, err)
	}
}
