//go:build unix

package pluginhost

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/sdk"
)

// fileSHA256 is the reference digest of a file, computed here.
func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestBuiltinsAreNotShadowedByDefault: an executable named like a built-in
// in a plugin directory is not run unless the user allows it; allowed, it
// is announced at warning level and its origin says so.
func TestBuiltinsAreNotShadowedByDefault(t *testing.T) {
	dir := t.TempDir()
	impostor := writeFixture(t, dir, "metrics", "bad-count", "")
	h, logs := newTestHost(t, Options{Dirs: []string{dir}, Builtins: []string{"metrics"}})
	m, err := h.Metric(context.Background(), "metrics", nil)
	if err != nil {
		t.Fatalf("Metric: %v", err)
	}
	o, _ := OriginOf(m)
	if o.Source != SourceBuiltin || o.ShadowsBuiltin {
		t.Errorf("origin %+v: want the built-in", o)
	}
	if out := logs.String(); !strings.Contains(out, "[WARN]") || !strings.Contains(out, impostor) || !strings.Contains(out, "name of a built-in") {
		t.Errorf("no warning naming the ignored %s:\n%s", impostor, out)
	}
	infos, err := h.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range infos {
		if in.Name == "metrics" && (in.Source != SourceBuiltin || !slices.Contains(in.Shadowed, impostor)) {
			t.Errorf("list: %+v, want the built-in with the ignored file listed", in)
		}
	}

	allowed, logs := newTestHost(t, Options{Dirs: []string{dir}, Builtins: []string{"metrics"}, AllowShadowBuiltins: true})
	m, err = allowed.Metric(context.Background(), "metrics", nil)
	if err != nil {
		t.Fatalf("Metric with shadowing allowed: %v", err)
	}
	o, _ = OriginOf(m)
	if o.Source != SourceDir || !o.ShadowsBuiltin || o.Path != impostor || o.SHA256 != fileSHA256(t, impostor) {
		t.Errorf("origin %+v: want %s, shadowing the built-in, with its sha256", o, impostor)
	}
	if out := logs.String(); !strings.Contains(out, "[WARN]") || !strings.Contains(out, "in place of the built-in") {
		t.Errorf("the shadowing plugin was not announced at warning level:\n%s", out)
	}
}

// TestWorkDirPluginsOnlyWhenAsked: ./.vlmask/plugins is not searched
// unless Options.SearchWorkDir; searched, its plugin is announced at
// warning level with its path and sha256, which its origin records.
func TestWorkDirPluginsOnlyWhenAsked(t *testing.T) {
	work := t.TempDir()
	path := writeFixture(t, WorkDirPlugins(work), "normal", "normal", "cwd")
	h, _ := newTestHost(t, Options{WorkDir: work})
	if _, err := h.Masking(context.Background(), "normal", nil); !errors.Is(err, ErrPluginNotFound) {
		t.Fatalf("a plugin in ./.vlmask/plugins was found without opting in: %v", err)
	}
	h, logs := newTestHost(t, Options{WorkDir: work, SearchWorkDir: true})
	s, err := h.Masking(context.Background(), "normal", nil)
	if err != nil {
		t.Fatalf("Masking with SearchWorkDir: %v", err)
	}
	o, ok := OriginOf(s)
	sum := fileSHA256(t, path)
	if !ok || o.Path != path || o.SHA256 != sum || o.Version != "tag-cwd" || o.Source != SourceDir {
		t.Errorf("origin %+v, want %s with sha256 %s", o, path, sum)
	}
	out := logs.String()
	if !strings.Contains(out, "[WARN]") || !strings.Contains(out, path) || !strings.Contains(out, sum) {
		t.Errorf("the plugin was not announced at warning level with its path and sha256:\n%s", out)
	}
}

// TestChecksumPinning: a pinned plugin runs only if its executable has the
// pinned SHA-256; a mismatch starts nothing.
func TestChecksumPinning(t *testing.T) {
	dir := t.TempDir()
	path := writeFixture(t, dir, "normal", "normal", "")
	good := sha256.Sum256(mustRead(t, path))
	h, _ := newTestHost(t, Options{Dirs: []string{dir}, Checksums: map[string][]byte{"normal": good[:]}})
	if _, err := h.Masking(context.Background(), "normal", nil); err != nil {
		t.Fatalf("Masking with the right pin: %v", err)
	}
	wrong := good
	wrong[0] ^= 1
	h, _ = newTestHost(t, Options{Dirs: []string{dir}, Checksums: map[string][]byte{"normal": wrong[:]}})
	before := len(children(t))
	if _, err := h.Masking(context.Background(), "normal", nil); !errors.Is(err, ErrChecksumMismatch) || !strings.Contains(err.Error(), path) {
		t.Errorf("Masking with a wrong pin: %v, want ErrChecksumMismatch naming %s", err, path)
	}
	if after := len(children(t)); after > before {
		t.Errorf("a plugin with a wrong checksum was started")
	}
	if _, err := New(Options{Checksums: map[string][]byte{"x": {1, 2}}}); err == nil {
		t.Error("a 2-byte checksum was accepted")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPluginsGetAMinimalEnvironment: the host's environment does not leak
// into plugins; PATH and the variables named in PassEnv do reach them.
func TestPluginsGetAMinimalEnvironment(t *testing.T) {
	t.Setenv("VLMASK_TEST_SECRET_TOKEN", "hunter2")
	t.Setenv("VLMASK_TEST_PASSED", "yes")
	dir := t.TempDir()
	writeFixture(t, dir, "env", "env", "")
	h, _ := newTestHost(t, Options{Dirs: []string{dir}, PassEnv: []string{"VLMASK_TEST_PASSED"}})
	s, err := h.Masking(context.Background(), "env", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.Mask(context.Background(), sdk.MaskRequest{Sequence: sampleSequence()})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range resp.Groups {
		names = append(names, g.Label)
	}
	for _, want := range []string{"PATH", "VLMASK_TEST_PASSED", "VLMASK_PLUGIN"} {
		if !slices.Contains(names, want) {
			t.Errorf("the plugin lacks %s; its environment: %v", want, names)
		}
	}
	if slices.Contains(names, "VLMASK_TEST_SECRET_TOKEN") {
		t.Errorf("the host's VLMASK_TEST_SECRET_TOKEN reached the plugin: %v", names)
	}
	for _, n := range names {
		if !slices.Contains(baseEnv, n) && !strings.HasPrefix(n, "LC_") && !strings.HasPrefix(n, "PLUGIN_") &&
			!strings.HasPrefix(n, "VLMASK_") && n != "PWD" && n != "SHLVL" && n != "_" {
			t.Errorf("unexpected variable %s in the plugin's environment", n)
		}
	}
}
