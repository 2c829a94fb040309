package hub_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/vlmask/vlmask/hf/hub"
	"github.com/vlmask/vlmask/hf/hub/hubtest"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// modelID is the id the fake Hub serves the tiny test model under.
const modelID = "test-org/tiny-vl"

// Environment of the helper process that TestConcurrentProcesses starts.
const (
	envHelper   = "HUB_TEST_HELPER"
	envEndpoint = "HUB_TEST_ENDPOINT"
	envCache    = "HUB_TEST_CACHE"
)

func TestMain(m *testing.M) {
	if os.Getenv(envHelper) == "download" {
		os.Exit(helperDownload())
	}
	code := m.Run()
	if tinyDir != "" {
		os.RemoveAll(filepath.Dir(tinyDir))
	}
	os.Exit(code)
}

// helperDownload is the child process of TestConcurrentProcesses.
func helperDownload() int {
	id, _ := hub.ParseID(modelID)
	dir, err := hub.Download(context.Background(), id, hub.Options{
		CacheDir: os.Getenv(envCache), Endpoint: os.Getenv(envEndpoint), RetryWait: time.Millisecond,
		Logger: hclog.New(&hclog.LoggerOptions{Level: hclog.Info, Output: os.Stderr}),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(dir)
	return 0
}

var (
	tinyOnce sync.Once
	tinyDir  string
	tinyErr  error
)

// tinyModel is the tiny random-weight Qwen3-VL checkpoint, generated once
// per test binary.
func tinyModel(t *testing.T) string {
	t.Helper()
	tinyOnce.Do(func() {
		tmp, err := os.MkdirTemp("", "hub-test-model-")
		if err != nil {
			tinyErr = err
			return
		}
		tinyDir = filepath.Join(tmp, "tiny")
		tinyErr = testmodel.Generate(tinyDir, testmodel.Options{Seed: 1})
	})
	if tinyErr != nil {
		t.Fatal(tinyErr)
	}
	return tinyDir
}

// readFile reads a file of the tiny model.
func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(tinyModel(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newHub starts a fake Hub serving the tiny model as modelID on main and
// returns it with the commit.
func newHub(t *testing.T) (*hubtest.Hub, string) {
	t.Helper()
	h := hubtest.New(t)
	commit := h.CommitDir(t, modelID, "main", tinyModel(t))
	return h, commit
}

// options points at the fake Hub with an empty cache, and retries fast.
func options(t *testing.T, h *hubtest.Hub) hub.Options {
	t.Helper()
	return hub.Options{CacheDir: t.TempDir(), Endpoint: h.URL, RetryWait: time.Millisecond}
}

func mustID(t *testing.T, s string) hub.RepoID {
	t.Helper()
	id, err := hub.ParseID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// download downloads modelID and fails the test on error.
func download(t *testing.T, o hub.Options) string {
	t.Helper()
	dir, err := hub.Download(context.Background(), mustID(t, modelID), o)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// wantFiles are the tiny model's files that a download brings: all but
// the generator's marker.
var wantFiles = []string{
	"chat_template.json", "config.json", "generation_config.json", "merges.txt", "model.safetensors",
	"preprocessor_config.json", "tokenizer.json", "tokenizer_config.json", "video_preprocessor_config.json", "vocab.json",
}

// sameFiles checks that dir holds exactly wantFiles with the tiny model's
// contents.
func sameFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != strings.Join(wantFiles, " ") {
		t.Errorf("snapshot holds %v, want %v", names, wantFiles)
	}
	for _, f := range wantFiles {
		got, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, readFile(t, f)) {
			t.Errorf("%s differs from the served file", f)
		}
	}
}

// repoDir is modelID's directory in the cache.
func repoDir(o hub.Options) string { return filepath.Join(o.CacheDir, "models--test-org--tiny-vl") }

// exists reports whether path exists (a link is not followed).
func exists(path string) bool { _, err := os.Lstat(path); return err == nil }

// oneLine fails the test if err's message spans lines.
func oneLine(t *testing.T, err error) {
	t.Helper()
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("message is not one line: %q", err)
	}
}

// helperCmd starts this test binary as a helper process downloading
// modelID from endpoint into cache.
func helperCmd(endpoint, cache string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envHelper+"=download", envEndpoint+"="+endpoint, envCache+"="+cache)
	return cmd
}
