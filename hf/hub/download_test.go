package hub_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/hf/hub"
	"github.com/vlmask/vlmask/hf/hub/hubtest"
)

// TestDownload: a model downloads into the cache's snapshot for its
// commit, only the files vlmask reads, with the weights fetched from the
// CDN the Hub redirects to, without the token; a second call asks the Hub
// one question and downloads nothing.
func TestDownload(t *testing.T) {
	h, commit := newHub(t)
	o := options(t, h)
	o.Token = "hf_secret"
	dir := download(t, o)
	if want := filepath.Join(repoDir(o), "snapshots", commit); dir != want {
		t.Fatalf("snapshot %s, want %s", dir, want)
	}
	sameFiles(t, dir)
	ref, err := os.ReadFile(filepath.Join(repoDir(o), "refs", "main"))
	if err != nil || string(ref) != commit {
		t.Errorf("refs/main = %q (%v), want %q without a newline", ref, err, commit)
	}
	weights := hubtest.BlobPath(readFile(t, "model.safetensors"))
	if n := h.Count("cdn", "GET", weights); n != 1 {
		t.Errorf("%d CDN GETs of the weights, want 1", n)
	}
	for _, r := range h.Requests() {
		if r.Server == "cdn" && r.Auth != "" {
			t.Errorf("the CDN got the token: %+v", r)
		}
		if r.Server == "hub" && r.Auth != "Bearer hf_secret" {
			t.Errorf("the Hub did not get the token: %+v", r)
		}
		if strings.Contains(r.Path, "vlmask-testmodel.json") {
			t.Errorf("a file vlmask does not read was asked for: %s", r.Path)
		}
	}

	before := len(h.Requests())
	if again := download(t, o); again != dir {
		t.Errorf("second download: %s, want %s", again, dir)
	}
	if after := h.Requests()[before:]; len(after) != 1 || !strings.HasPrefix(after[0].Path, "/api/models/") {
		t.Errorf("a cached model made requests %+v, want the one revision look-up", after)
	}
}

// TestRevisions: a branch, a tag and a commit each give their snapshot;
// branches and tags are remembered in refs/, commits are not.
func TestRevisions(t *testing.T) {
	h, first := newHub(t)
	files := map[string][]byte{}
	for _, f := range wantFiles {
		files[f] = readFile(t, f)
	}
	files["generation_config.json"] = []byte(`{"do_sample": false, "max_new_tokens": 7}`)
	second := h.Commit(modelID, "dev", files)
	h.Tag(modelID, "v1.0", first)
	h.Tag(modelID, "refs/pr/1", second)
	o := options(t, h)
	tests := []struct {
		revision, commit, ref string
	}{
		{"", first, "main"},
		{"main", first, "main"},
		{"dev", second, "dev"},
		{"v1.0", first, "v1.0"},
		{"refs/pr/1", second, "refs/pr/1"},
		{second, second, ""},
	}
	for _, tc := range tests {
		t.Run(tc.revision, func(t *testing.T) {
			o := o
			o.Revision = tc.revision
			dir := download(t, o)
			if filepath.Base(dir) != tc.commit {
				t.Fatalf("snapshot %s, want commit %s", dir, tc.commit)
			}
			if tc.ref != "" {
				b, err := os.ReadFile(filepath.Join(repoDir(o), "refs", filepath.FromSlash(tc.ref)))
				if err != nil || string(b) != tc.commit {
					t.Errorf("refs/%s = %q (%v), want %s", tc.ref, b, err, tc.commit)
				}
			}
		})
	}
	if exists(filepath.Join(repoDir(o), "refs", second)) {
		t.Error("a commit revision wrote a ref")
	}
	// A commit already in the cache needs no request.
	before := len(h.Requests())
	o.Revision = second
	download(t, o)
	if n := len(h.Requests()) - before; n != 0 {
		t.Errorf("a cached commit made %d requests", n)
	}
	// The two snapshots share the unchanged blobs.
	blobs, _ := os.ReadDir(filepath.Join(repoDir(o), "blobs"))
	if len(blobs) != len(wantFiles)+1 {
		t.Errorf("%d blobs, want %d (one file changed between the commits)", len(blobs), len(wantFiles)+1)
	}
}

// TestEndpointFromEnv: HF_ENDPOINT (with a trailing slash) points
// downloads at a mirror.
func TestEndpointFromEnv(t *testing.T) {
	h, _ := newHub(t)
	env := map[string]string{"HF_ENDPOINT": h.URL + "/", "HF_HUB_CACHE": t.TempDir(), "HOME": t.TempDir()}
	o, err := hub.FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	o.RetryWait = 1
	sameFiles(t, download(t, o))
}

// TestRenamedRepository: the Hub's relative redirect from an old id to the
// new one is followed.
func TestRenamedRepository(t *testing.T) {
	h, commit := newHub(t)
	h.Rename(modelID, "test-org/tiny-vl-renamed")
	o := options(t, h)
	dir := download(t, o)
	if filepath.Base(dir) != commit {
		t.Errorf("snapshot %s, want %s", dir, commit)
	}
}

// TestShardedWeights: a repository with an index gets the index and each
// shard it names, and no pickle files.
func TestShardedWeights(t *testing.T) {
	h := hubtest.New(t)
	index := `{"metadata": {"total_size": 200000}, "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors", "c": "model-00002-of-00002.safetensors"}}`
	files := map[string][]byte{
		"config.json":                      []byte(`{"model_type": "qwen3"}`),
		"tokenizer.json":                   []byte(`{}`),
		"model.safetensors.index.json":     []byte(index),
		"model-00001-of-00002.safetensors": make([]byte, 100000),
		"model-00002-of-00002.safetensors": append(make([]byte, 99999), 1),
		"pytorch_model.bin":                []byte("pickle"),
		"README.md":                        []byte("# model"),
	}
	commit := h.Commit("org/sharded", "main", files)
	o := options(t, h)
	dir, err := hub.Download(context.Background(), mustID(t, "org/sharded"), o)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(dir) != commit {
		t.Fatalf("snapshot %s", dir)
	}
	for name := range files {
		want := name != "pytorch_model.bin" && name != "README.md"
		if got := exists(filepath.Join(dir, name)); got != want {
			t.Errorf("%s in the snapshot: %v, want %v", name, got, want)
		}
	}
}

// TestResolve: a directory stays a directory, a path-like value is left to
// the loader, an id is downloaded.
func TestResolve(t *testing.T) {
	h, commit := newHub(t)
	o := options(t, h)
	local := t.TempDir()
	tests := []struct{ spec, want string }{
		{local, local},
		{"./missing/model", "./missing/model"},
		{"/abs/missing", "/abs/missing"},
		{"bare-name", "bare-name"},
		{modelID, filepath.Join(repoDir(o), "snapshots", commit)},
	}
	for _, tc := range tests {
		got, err := hub.Resolve(context.Background(), tc.spec, o)
		if err != nil || got != tc.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", tc.spec, got, err, tc.want)
		}
	}
}
