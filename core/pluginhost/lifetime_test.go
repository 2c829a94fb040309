//go:build unix

package pluginhost

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vlmask/vlmask/sdk"
)

// alive says whether pid is a running process: not gone, and not a zombie
// waiting for a parent that no longer cares.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return true // no /proc: kill(0) is all we know
	}
	rest := string(stat[strings.LastIndexByte(string(stat), ')')+2:])
	return !strings.HasPrefix(rest, "Z")
}

// waitGone waits up to d for pid to stop running.
func waitGone(pid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return !alive(pid)
}

// TestPluginDiesWithItsHost: a host killed with SIGKILL runs no cleanup at
// all; its plugin must notice (the parent pipe) and exit by itself.
func TestPluginDiesWithItsHost(t *testing.T) {
	dir := t.TempDir()
	writeFixture(t, dir, "normal", "normal", "")
	host := exec.Command(os.Args[0], "-test.run=^$")
	host.Env = append(os.Environ(), envTestHost+"="+dir)
	host.Stderr = os.Stderr
	out, err := host.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := host.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	pid, perr := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || perr != nil || pid <= 0 {
		_ = host.Process.Kill()
		_ = host.Wait()
		t.Fatalf("host process said %q (%v)", line, err)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	if !alive(pid) {
		t.Fatalf("plugin %d not running before the host was killed", pid)
	}
	if err := host.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = host.Wait()
	if !waitGone(pid, 5*time.Second) {
		t.Errorf("plugin %d still running 5 s after its host was SIGKILLed", pid)
	}
}

// TestPluginExitsOnSIGTERM: a plugin stops on SIGTERM (as a service
// manager or a user ending a process group sends), and the host reports it
// as exited.
func TestPluginExitsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	writeFixture(t, dir, "normal", "normal", "")
	h, _ := newTestHost(t, Options{Dirs: []string{dir}})
	s, err := h.Masking(context.Background(), "normal", nil)
	if err != nil {
		t.Fatal(err)
	}
	pid := s.(*remoteMasking).pid()
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if !waitGone(pid, 5*time.Second) {
		t.Fatalf("plugin %d still running 5 s after SIGTERM", pid)
	}
	if _, err := s.Mask(context.Background(), sdk.MaskRequest{Sequence: sampleSequence()}); !errors.Is(err, ErrPluginExited) {
		t.Errorf("Mask after SIGTERM: %v, want ErrPluginExited", err)
	}
}

// TestInterruptionWinsOverPluginShutdown: when the host's context ends
// (Ctrl-C), it stops its plugins; a call in flight, and any call after,
// fails with the interruption — context.Canceled — not only with the
// plugin's death that the stop caused.
func TestInterruptionWinsOverPluginShutdown(t *testing.T) {
	dir := t.TempDir()
	writeFixture(t, dir, "hanger", "hanger", "")
	writeFixture(t, dir, "normal", "normal", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h, _ := newTestHost(t, Options{Dirs: []string{dir}, Context: ctx})
	hanger, err := h.Masking(ctx, "hanger", nil)
	if err != nil {
		t.Fatal(err)
	}
	normal, err := h.Masking(ctx, "normal", nil)
	if err != nil {
		t.Fatal(err)
	}
	inFlight := make(chan error, 1)
	go func() {
		// A caller whose own context is not the host's: only the host's
		// stop reaches it.
		_, err := hanger.Mask(context.Background(), sdk.MaskRequest{Sequence: sampleSequence()})
		inFlight <- err
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-inFlight:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("call in flight: %v, want it to match context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the call in flight did not end when the host stopped")
	}
	if _, err := normal.Mask(context.Background(), sdk.MaskRequest{Sequence: sampleSequence()}); !errors.Is(err, context.Canceled) || !errors.Is(err, ErrPluginExited) {
		t.Errorf("call after the stop: %v, want context.Canceled (and ErrPluginExited)", err)
	}
	if _, err := h.Metric(context.Background(), "normal", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("opening a plugin after the stop: %v, want context.Canceled", err)
	}
	select {
	case <-h.gone:
	case <-time.After(10 * time.Second):
		t.Fatal("host did not finish stopping its plugins")
	}
	requireNoChildren(t)
}
