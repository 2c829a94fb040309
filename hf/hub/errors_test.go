package hub_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vlmask/vlmask/hf/hub"
	"github.com/vlmask/vlmask/hf/hub/hubtest"
)

// TestErrors: each way a download fails gives its sentinel and a one-line
// message that says what to do, and leaves nothing in the cache that looks
// complete.
func TestErrors(t *testing.T) {
	h, _ := newHub(t)
	h.Commit("org/pickled", "main", map[string][]byte{"config.json": []byte(`{}`), "pytorch_model.bin": []byte("pickle")})
	h.Commit("org/no-weights", "main", map[string][]byte{"config.json": []byte(`{}`)})
	h.Commit("org/no-config", "main", map[string][]byte{"model.safetensors": []byte("x")})
	gatedFiles := map[string][]byte{}
	for _, f := range wantFiles {
		gatedFiles[f] = readFile(t, f)
	}
	h.Commit("org/gated", "main", gatedFiles)
	h.Gate("org/gated", "hf_good")
	corrupt := hubtest.New(t)
	corrupt.CommitDir(t, modelID, "main", tinyModel(t))
	corrupt.Corrupt(readFile(t, "model.safetensors"))

	tests := []struct {
		name     string
		id       string
		revision string
		token    string
		endpoint string
		want     error
		says     []string
	}{
		{name: "unknown repo anonymous (401)", id: "org/missing", want: hub.ErrNotFound, says: []string{"org/missing", "HF_TOKEN"}},
		{name: "unknown repo with token (404)", id: "org/missing", token: "hf_x", want: hub.ErrNotFound, says: []string{"org/missing", "404"}},
		{name: "unknown revision", id: modelID, revision: "nope", want: hub.ErrNotFound, says: []string{"nope"}},
		{name: "gated without token (401)", id: "org/gated", want: hub.ErrAccess, says: []string{h.URL + "/org/gated", "HF_TOKEN", "licence"}},
		{name: "gated with a token not allowed (403)", id: "org/gated", token: "hf_bad", want: hub.ErrAccess, says: []string{h.URL + "/org/gated", "403"}},
		{name: "pickle only", id: "org/pickled", want: hub.ErrNoSafetensors, says: []string{"pytorch_model.bin", "pickle", "arbitrary code"}},
		{name: "no weights", id: "org/no-weights", want: hub.ErrNoSafetensors, says: []string{"model.safetensors"}},
		{name: "no config", id: "org/no-config", want: hub.ErrNotFound, says: []string{"config.json"}},
		{name: "network down", id: modelID, endpoint: "http://127.0.0.1:1", want: hub.ErrNetwork, says: []string{"127.0.0.1:1", "refused"}},
		{name: "checksum mismatch", id: modelID, endpoint: corrupt.URL, want: hub.ErrChecksum, says: []string{"model.safetensors", "ETag"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := options(t, h)
			o.Revision, o.Token, o.TokenSource = tc.revision, tc.token, "HF_TOKEN"
			if tc.endpoint != "" {
				o.Endpoint = tc.endpoint
			}
			_, err := hub.Download(context.Background(), mustID(t, tc.id), o)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			oneLine(t, err)
			for _, s := range tc.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%q does not say %q", err, s)
				}
			}
			noHalfWritten(t, o.CacheDir)
		})
	}
	t.Run("gated with the right token", func(t *testing.T) {
		o := options(t, h)
		o.Token = "hf_good"
		if _, err := hub.Download(context.Background(), mustID(t, "org/gated"), o); err != nil {
			t.Fatal(err)
		}
	})
}

// noHalfWritten checks what a failed download left: every blob is
// verified (its contents hash to its name), every snapshot entry links to a
// blob, no ref claims a snapshot, and the rest is .incomplete files and
// locks.
func noHalfWritten(t *testing.T, cache string) {
	t.Helper()
	_ = filepath.WalkDir(cache, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(cache, path)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		switch {
		case strings.HasSuffix(rel, ".incomplete"), parts[0] == ".locks":
		case len(parts) == 3 && parts[1] == "blobs":
			b, _ := os.ReadFile(path)
			if hubtest.ETag(etagKind(parts[2]), b) != parts[2] {
				t.Errorf("blob %s does not match its name", rel)
			}
		case len(parts) > 3 && parts[1] == "snapshots":
			if _, err := os.Stat(path); err != nil {
				t.Errorf("snapshot entry %s: %v", rel, err)
			}
		default:
			t.Errorf("left behind: %s", rel)
		}
		return nil
	})
}

// etagKind is a file name under which hubtest.ETag hashes as the blob's
// name says: sha256 for 64 hex digits, git sha1 otherwise.
func etagKind(etag string) string {
	if len(etag) == 64 {
		return "x.safetensors"
	}
	return "x.json"
}

// TestChecksumMismatchDeletesPartial: the corrupt file is not kept for a
// resume, and a later good download succeeds.
func TestChecksumMismatchDeletesPartial(t *testing.T) {
	h := hubtest.New(t)
	h.CommitDir(t, modelID, "main", tinyModel(t))
	weights := readFile(t, "model.safetensors")
	h.Corrupt(weights)
	o := options(t, h)
	if _, err := hub.Download(context.Background(), mustID(t, modelID), o); !errors.Is(err, hub.ErrChecksum) {
		t.Fatalf("error %v, want ErrChecksum", err)
	}
	if exists(filepath.Join(repoDir(o), "blobs", hubtest.ETag("model.safetensors", weights)+".incomplete")) {
		t.Error("the corrupt .incomplete file was kept")
	}
	good := hubtest.New(t)
	good.CommitDir(t, modelID, "main", tinyModel(t))
	o.Endpoint = good.URL
	sameFiles(t, download(t, o))
}

// TestOffline: offline mode reads the cache only: a miss says so, a hit
// makes no request; a Hub that cannot be reached falls back to the cache.
func TestOffline(t *testing.T) {
	h, commit := newHub(t)
	o := options(t, h)
	o.Offline = true
	_, err := hub.Download(context.Background(), mustID(t, modelID), o)
	if !errors.Is(err, hub.ErrOffline) {
		t.Fatalf("offline miss: %v, want ErrOffline", err)
	}
	oneLine(t, err)
	if n := len(h.Requests()); n != 0 {
		t.Fatalf("offline mode made %d requests", n)
	}
	o.Offline = false
	download(t, o)

	before := len(h.Requests())
	for _, rev := range []string{"", "main", commit} {
		o.Offline, o.Revision = true, rev
		dir := download(t, o)
		if filepath.Base(dir) != commit {
			t.Errorf("offline %q: %s", rev, dir)
		}
	}
	if n := len(h.Requests()) - before; n != 0 {
		t.Errorf("offline hits made %d requests", n)
	}
	o.Revision = "dev"
	if _, err := hub.Download(context.Background(), mustID(t, modelID), o); !errors.Is(err, hub.ErrOffline) {
		t.Errorf("offline, uncached branch: %v", err)
	}

	o.Offline, o.Revision, o.Endpoint = false, "", "http://127.0.0.1:1"
	if dir := download(t, o); filepath.Base(dir) != commit {
		t.Errorf("network down with a cached snapshot: %s", dir)
	}

	// A snapshot missing its weights is not complete, offline.
	weights := filepath.Join(repoDir(o), "snapshots", commit, "model.safetensors")
	if err := os.Remove(weights); err != nil {
		t.Fatal(err)
	}
	o.Offline = true
	_, err = hub.Download(context.Background(), mustID(t, modelID), o)
	if !errors.Is(err, hub.ErrOffline) || !strings.Contains(err.Error(), "model.safetensors") {
		t.Errorf("incomplete snapshot offline: %v", err)
	}
}

// TestHubSilent: a Hub that accepts the connection and never answers is a
// network error after StallTimeout, not a hang.
func TestHubSilent(t *testing.T) {
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(silent.Close)
	o := hub.Options{CacheDir: t.TempDir(), Endpoint: silent.URL, StallTimeout: 50 * time.Millisecond}
	_, err := hub.Download(context.Background(), mustID(t, modelID), o)
	if !errors.Is(err, hub.ErrNetwork) || !strings.Contains(err.Error(), "no answer") {
		t.Fatalf("silent Hub: %v, want ErrNetwork", err)
	}
}
