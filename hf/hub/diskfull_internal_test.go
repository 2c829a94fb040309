package hub

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vlmask/vlmask/hf/hub/hubtest"
)

// fullDisk is a blob file on a disk that fills after limit bytes.
type fullDisk struct {
	blobFile
	limit int64
}

func (f *fullDisk) Write(p []byte) (int, error) {
	if int64(len(p)) > f.limit {
		n, _ := f.blobFile.Write(p[:f.limit])
		f.limit = 0
		return n, &os.PathError{Op: "write", Path: "blob.incomplete", Err: syscall.ENOSPC}
	}
	f.limit -= int64(len(p))
	return f.blobFile.Write(p)
}

// TestDiskFullMidDownload: a disk that fills in the middle of the weights
// fails the download with ErrDiskFull; the partial file stays an
// .incomplete file (to resume once there is room), and no blob, snapshot
// entry for the weights or ref claims the model is there.
func TestDiskFullMidDownload(t *testing.T) {
	h := hubtest.New(t)
	weights := make([]byte, 300_000)
	for i := range weights {
		weights[i] = byte(i * 7)
	}
	commit := h.Commit("org/m", "main", map[string][]byte{"config.json": []byte(`{"model_type": "qwen3"}`), "model.safetensors": weights})
	o := Options{CacheDir: t.TempDir(), Endpoint: h.URL, RetryWait: time.Millisecond}
	o.create = func(path string) (blobFile, error) {
		f, err := openBlobFile(path)
		if err != nil || !strings.HasPrefix(filepath.Base(path), hubtest.ETag("model.safetensors", weights)) {
			return f, err
		}
		return &fullDisk{blobFile: f, limit: 100_000}, nil
	}
	_, err := Download(context.Background(), RepoID{"org", "m"}, o)
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("error %v, want ErrDiskFull saying so", err)
	}
	c := newRepoCache(o.CacheDir, RepoID{"org", "m"})
	etag := hubtest.ETag("model.safetensors", weights)
	if _, err := os.Stat(c.incomplete(etag)); err != nil {
		t.Errorf("the partial file is gone: %v", err)
	}
	for _, p := range []string{c.blob(etag), c.pointer(commit, "model.safetensors"), c.ref("main")} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s exists after the disk filled", p)
		}
	}
	// With room again, the download resumes and completes.
	o.create = nil
	dir, err := Download(context.Background(), RepoID{"org", "m"}, o)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "model.safetensors")); len(got) != len(weights) {
		t.Errorf("resumed weights: %d bytes", len(got))
	}
	if n := h.Count("cdn", "GET", hubtest.BlobPath(weights)); n != 2 {
		t.Errorf("%d CDN GETs, want 2 (the second resuming)", n)
	}
}
