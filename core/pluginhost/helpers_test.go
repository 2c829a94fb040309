//go:build unix

package pluginhost

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
)

// writeFixture puts an executable vlmask-plugin-<file> into dir that
// re-executes the test binary as fixture (tag is passed along).
func writeFixture(t *testing.T, dir, file, fixture, tag string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, FilePrefix+file)
	script := "#!/bin/sh\n" + envTestPlugin + "=" + fixture + " " + envTestTag + "=" + tag + " exec '" + exe + "' \"$@\"\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// lockedBuffer is a log sink safe for go-plugin's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func testLogger(level hclog.Level) (hclog.Logger, *lockedBuffer) {
	buf := &lockedBuffer{}
	return hclog.New(&hclog.LoggerOptions{Name: "vlmask", Level: level, Output: buf}), buf
}

// newTestHost builds a host with fast timeouts, the built-ins served by the
// test binary, and no environment (so the user's plugins stay out).
func newTestHost(t *testing.T, opts Options) (*Host, *lockedBuffer) {
	t.Helper()
	log, buf := testLogger(hclog.Debug)
	if opts.Logger == nil {
		opts.Logger = log
	}
	if opts.SelfExe == "" {
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		opts.SelfExe = exe
	}
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	if opts.WorkDir == "" {
		opts.WorkDir = t.TempDir()
	}
	if opts.CallTimeout == 0 {
		opts.CallTimeout = 20 * time.Second
	}
	h, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return h, buf
}

// children lists the live (non-zombie) child processes of this test
// process, from /proc; it skips where /proc is missing.
func children(t *testing.T) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc to list child processes: %v", err)
	}
	self := os.Getpid()
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may contain spaces.
		rest := string(stat[strings.LastIndexByte(string(stat), ')')+2:])
		fields := strings.Fields(rest)
		if len(fields) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1])
		if ppid == self {
			out = append(out, pid)
		}
	}
	return out
}

// requireGone fails if the process exists (zombies included: the host
// must reap what it starts).
func requireGone(t *testing.T, pid int) {
	t.Helper()
	if pid <= 0 {
		t.Fatalf("no pid recorded")
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("plugin process %d is still there", pid)
	}
}

// requireNoChildren fails if any child process is left.
func requireNoChildren(t *testing.T) {
	t.Helper()
	if kids := children(t); len(kids) > 0 {
		t.Errorf("child processes left behind: %v", kids)
	}
}
