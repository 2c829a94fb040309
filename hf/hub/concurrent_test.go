package hub_test

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/vlmask/vlmask/hf/hub"
	"github.com/vlmask/vlmask/hf/hub/hubtest"
)

// TestConcurrentGoroutines: two downloads of one model at once, in one
// process, fetch each blob once (the second waits on the lock, then finds
// the blob) and both get the whole snapshot.
func TestConcurrentGoroutines(t *testing.T) {
	h, commit := newHub(t)
	h.SlowCDN(20 * time.Millisecond) // the weights take ~0.5 s: the downloads overlap
	o := options(t, h)
	var logs syncBuffer
	o.Logger = hclog.New(&hclog.LoggerOptions{Level: hclog.Info, Output: &logs})
	var wg sync.WaitGroup
	dirs := make([]string, 2)
	errs := make([]error, 2)
	for i := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dirs[i], errs[i] = hub.Download(context.Background(), mustID(t, modelID), o)
		}()
	}
	wg.Wait()
	for i := range dirs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if filepath.Base(dirs[i]) != commit {
			t.Errorf("download %d: %s", i, dirs[i])
		}
	}
	sameFiles(t, dirs[0])
	if n := h.Count("cdn", "GET", hubtest.BlobPath(readFile(t, "model.safetensors"))); n != 1 {
		t.Errorf("the weights were fetched %d times, want once", n)
	}
	if !strings.Contains(logs.String(), "waiting for another download") {
		t.Errorf("neither download waited for the other's lock:\n%s", logs.String())
	}
}

// syncBuffer is a bytes.Buffer for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestConcurrentProcesses: the same with two processes sharing the cache,
// which only the lock files keep apart.
func TestConcurrentProcesses(t *testing.T) {
	h, commit := newHub(t)
	h.SlowCDN(20 * time.Millisecond)
	cache := t.TempDir()
	var outs [2]bytes.Buffer
	var errb [2]bytes.Buffer
	cmds := [2]*exec.Cmd{}
	for i := range cmds {
		c := helperCmd(h.URL, cache)
		c.Stdout, c.Stderr = &outs[i], &errb[i]
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = c
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("process %d: %v\n%s", i, err, errb[i].String())
		}
		if got := strings.TrimSpace(outs[i].String()); filepath.Base(got) != commit {
			t.Errorf("process %d: snapshot %q", i, got)
		}
	}
	sameFiles(t, filepath.Join(cache, "models--test-org--tiny-vl", "snapshots", commit))
	if n := h.Count("cdn", "GET", hubtest.BlobPath(readFile(t, "model.safetensors"))); n != 1 {
		t.Errorf("the weights were fetched %d times by two processes, want once", n)
	}
	if !strings.Contains(errb[0].String()+errb[1].String(), "waiting for another download") {
		t.Errorf("neither process waited for the other's lock:\n%s\n%s", errb[0].String(), errb[1].String())
	}
	locks, _ := filepath.Glob(filepath.Join(cache, ".locks", "models--test-org--tiny-vl", "*.lock"))
	if len(locks) != len(wantFiles) {
		t.Errorf("%d lock files, want one per blob (%d)", len(locks), len(wantFiles))
	}
}
