//go:build unix

package pluginhost

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/vlmask/vlmask/plugins/builtin"
	maskingboth "github.com/vlmask/vlmask/plugins/masking-both"
	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/sdktest"
)

func sampleSequence() sdk.Sequence {
	return sdktest.SampleSequences()["one-image-generated"]
}

func TestMaskingPluginRoundTrip(t *testing.T) {
	dir := t.TempDir()
	writeFixture(t, dir, "normal", "normal", "a")
	h, logs := newTestHost(t, Options{Dirs: []string{dir}})
	ctx := context.Background()

	s, err := h.Masking(ctx, "normal", nil)
	if err != nil {
		t.Fatalf("Masking: %v", err)
	}
	p := s.(*remoteMasking).process
	pid := p.pid()
	seq := sampleSequence()
	resp, err := s.Mask(ctx, sdk.MaskRequest{Sequence: seq})
	if err != nil {
		t.Fatalf("Mask: %v", err)
	}
	if len(resp.Groups) != len(seq.Tokens) {
		t.Fatalf("got %d groups, want %d", len(resp.Groups), len(seq.Tokens))
	}
	for i, g := range resp.Groups {
		if g.Label != seq.Tokens[i].Text || len(g.Positions) != 1 || g.Positions[0] != i {
			t.Fatalf("group %d = %+v, want position %d labelled %q", i, g, i, seq.Tokens[i].Text)
		}
	}
	d, err := s.Describe(ctx)
	if err != nil || d.Name != "normal" || d.Version != "tag-a" || d.Kind != sdk.KindMasking {
		t.Errorf("Describe = %+v, %v", d, err)
	}
	if err := h.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	requireGone(t, pid)
	requireNoChildren(t)
	// The plugin's own log line comes back under the plugin's name.
	if out := logs.String(); !strings.Contains(out, "vlmask.normal: fixture masked") {
		t.Errorf("plugin log not re-emitted under vlmask.normal; host log:\n%s", out)
	}
	if _, err := h.Masking(ctx, "normal", nil); !errors.Is(err, ErrHostClosed) {
		t.Errorf("Masking after Close: %v, want ErrHostClosed", err)
	}
	if err := h.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestBuiltinsOutOfProcess(t *testing.T) {
	h, _ := newTestHost(t, Options{Builtins: builtin.Names()})
	ctx := context.Background()
	seq := sampleSequence()
	for _, name := range []string{"masking-text", "masking-vision", "masking-both"} {
		remote, err := h.Masking(ctx, name, nil)
		if err != nil {
			t.Fatalf("Masking(%q): %v", name, err)
		}
		local, _ := builtin.Masking(name)
		got, err := remote.Mask(ctx, sdk.MaskRequest{Sequence: seq})
		if err != nil {
			t.Fatalf("%s: Mask: %v", name, err)
		}
		want, _ := local.Mask(ctx, sdk.MaskRequest{Sequence: seq})
		if len(got.Groups) != len(want.Groups) || len(got.Groups) == 0 {
			t.Fatalf("%s: %d groups out of process, %d in process", name, len(got.Groups), len(want.Groups))
		}
		for i := range got.Groups {
			if got.Groups[i].Label != want.Groups[i].Label || got.Groups[i].Positions[0] != want.Groups[i].Positions[0] {
				t.Fatalf("%s: group %d = %+v out of process, %+v in process", name, i, got.Groups[i], want.Groups[i])
			}
		}
	}
	m, err := h.Metric(ctx, "metrics", json.RawMessage(`{}`))
	if err != nil {
		t.Fatalf("Metric: %v", err)
	}
	d, _ := m.Describe(ctx)
	req := sdktest.SampleScoreRequest(d, 3)
	got, err := m.Score(ctx, req)
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	local, _ := builtin.Metric("metrics")
	want, _ := local.Score(ctx, req)
	for c := range want.Columns {
		for k, v := range want.Columns[c].Values {
			if got.Columns[c].Values[k] != v {
				t.Fatalf("column %s value %d: %v out of process, %v in process", want.Columns[c].Name, k, got.Columns[c].Values[k], v)
			}
		}
	}
	if _, err := h.Metric(ctx, "metrics", json.RawMessage(`{"x": 1}`)); !errors.Is(err, sdk.ErrInvalidConfig) {
		t.Errorf("Metric with a config it does not take: %v, want sdk.ErrInvalidConfig", err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	requireNoChildren(t)
}

func TestFaults(t *testing.T) {
	tests := map[string]struct {
		fixture string
		metric  bool
		config  string
		callErr bool // the failure comes from Mask/Score, not from starting
		want    error
		message []string
	}{
		"crash mid-call": {fixture: "crasher", callErr: true, want: ErrPluginExited,
			message: []string{`plugin "crasher"`, "exit status 3"}},
		"hang past the timeout": {fixture: "hanger", callErr: true, want: ErrPluginTimeout,
			message: []string{`plugin "hanger"`, "no answer within"}},
		"out-of-range position": {fixture: "bad-position", callErr: true, want: ErrBadPluginOutput,
			message: []string{`plugin "bad-position"`, `group `, `"beyond"`, "out of range"}},
		"wrong value count": {fixture: "bad-count", metric: true, callErr: true, want: ErrBadPluginOutput,
			message: []string{`plugin "bad-count"`, `column "value"`, "want 3"}},
		"undeclared column": {fixture: "bad-column", metric: true, callErr: true, want: ErrBadPluginOutput,
			message: []string{`plugin "bad-column"`, `column "not_declared"`}},
		"newer protocol minor": {fixture: "future-minor", want: ErrIncompatiblePlugin,
			message: []string{`plugin "future-minor"`, "upgrade vlmask"}},
		"newer protocol major": {fixture: "future-major", want: ErrIncompatiblePlugin,
			message: []string{`plugin "future-major"`, "protocol 2", "upgrade vlmask"}},
		"bad config": {fixture: "configurable", config: `{"every": 0}`, want: sdk.ErrInvalidConfig,
			message: []string{`plugin "configurable"`, "every"}},
		"wrong kind": {fixture: "bad-count", want: ErrPluginKind,
			message: []string{`plugin "bad-count"`, "metric plugin, not a masking plugin"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeFixture(t, dir, tc.fixture, tc.fixture, "")
			h, _ := newTestHost(t, Options{Dirs: []string{dir}, CallTimeout: time.Second})
			ctx := context.Background()
			var err error
			var proc *process
			if tc.metric {
				var m sdk.Metric
				m, err = h.Metric(ctx, tc.fixture, json.RawMessage(tc.config))
				if err == nil {
					proc = m.(*remoteMetric).process
					d, _ := m.Describe(ctx)
					_, err = m.Score(ctx, sdktest.SampleScoreRequest(d, 3))
				}
			} else {
				var s sdk.MaskingStrategy
				s, err = h.Masking(ctx, tc.fixture, json.RawMessage(tc.config))
				if err == nil {
					proc = s.(*remoteMasking).process
					_, err = s.Mask(ctx, sdk.MaskRequest{Sequence: sampleSequence()})
				}
			}
			if tc.callErr && proc == nil {
				t.Fatalf("start failed: %v", err)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			for _, m := range tc.message {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			if proc != nil && (errors.Is(err, ErrPluginExited) || errors.Is(err, ErrPluginTimeout)) {
				requireGone(t, proc.pid())
			}
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
			if proc != nil {
				requireGone(t, proc.pid())
			}
			requireNoChildren(t)
		})
	}
}

func TestTypedConfigAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	writeFixture(t, dir, "configurable", "configurable", "")
	h, _ := newTestHost(t, Options{Dirs: []string{dir}})
	ctx := context.Background()
	s, err := h.Masking(ctx, "configurable", json.RawMessage(`{"every": 4}`))
	if err != nil {
		t.Fatalf("Masking: %v", err)
	}
	resp, err := s.Mask(ctx, sdk.MaskRequest{Sequence: sampleSequence()})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Groups) < 2 || resp.Groups[1].Positions[0] != 4 {
		t.Errorf("groups %+v: want every 4th position", resp.Groups)
	}
	if err := s.Configure(ctx, json.RawMessage(`"nope"`)); !errors.Is(err, sdk.ErrInvalidConfig) {
		t.Errorf("Configure: %v, want sdk.ErrInvalidConfig", err)
	}
	// A rejected config leaves the plugin usable.
	if _, err := s.Mask(ctx, sdk.MaskRequest{Sequence: sampleSequence()}); err != nil {
		t.Errorf("Mask after a rejected config: %v", err)
	}
}

func TestListAndDiscovery(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	writeFixture(t, first, "normal", "normal", "first")
	writeFixture(t, second, "normal", "normal", "second")
	writeFixture(t, second, "future-minor", "future-minor", "")
	noexec := writeFixture(t, first, "noexec", "normal", "")
	if err := os.Chmod(noexec, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(first, FilePrefix+"adir"), 0o755); err != nil {
		t.Fatal(err)
	}
	h, logs := newTestHost(t, Options{Dirs: []string{first, second}, Builtins: []string{"masking-text", "metrics"}})
	infos, err := h.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var names []string
	byName := map[string]Info{}
	for _, in := range infos {
		names = append(names, in.Name)
		byName[in.Name] = in
	}
	if got, want := strings.Join(names, ","), "normal,future-minor,masking-text,metrics"; got != want {
		t.Fatalf("listed %s, want %s", got, want)
	}
	normal := byName["normal"]
	if normal.Err != nil || normal.Description.Version != "tag-first" || normal.Source != SourceDir {
		t.Errorf("normal = %+v: want the first directory's, usable", normal)
	}
	if len(normal.Shadowed) != 1 || filepath.Dir(normal.Shadowed[0]) != second {
		t.Errorf("normal shadows %v, want the second directory's", normal.Shadowed)
	}
	if !errors.Is(byName["future-minor"].Err, ErrIncompatiblePlugin) {
		t.Errorf("future-minor: %v, want ErrIncompatiblePlugin", byName["future-minor"].Err)
	}
	if d := byName["metrics"].Description; d.Kind != sdk.KindMetric || byName["metrics"].Source != SourceBuiltin {
		t.Errorf("metrics = %+v", byName["metrics"])
	}
	if d := byName["masking-text"].Description; d.Kind != sdk.KindMasking || d.Name != "masking-text" {
		t.Errorf("masking-text = %+v", d)
	}
	out := logs.String()
	for _, want := range []string{"not executable", "a directory, not an executable", "plugin shadowed"} {
		if !strings.Contains(out, want) {
			t.Errorf("host log lacks %q:\n%s", want, out)
		}
	}
	h.mu.Lock()
	left := len(h.procs)
	h.mu.Unlock()
	if left != 0 {
		t.Errorf("List left %d plugins tracked", left)
	}
	requireNoChildren(t)
}

func TestContextEndClosesHost(t *testing.T) {
	dir := t.TempDir()
	writeFixture(t, dir, "normal", "normal", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h, _ := newTestHost(t, Options{Dirs: []string{dir}, Context: ctx})
	s, err := h.Masking(context.Background(), "normal", nil)
	if err != nil {
		t.Fatal(err)
	}
	pid := s.(*remoteMasking).pid()
	cancel()
	select {
	case <-h.gone:
	case <-time.After(10 * time.Second):
		t.Fatal("host did not close when its context ended")
	}
	requireGone(t, pid)
	requireNoChildren(t)
	if _, err := s.Mask(context.Background(), sdk.MaskRequest{Sequence: sampleSequence()}); !errors.Is(err, ErrPluginExited) {
		t.Errorf("Mask after the host closed: %v, want ErrPluginExited", err)
	}
}

func TestCallerCancellationPassesThrough(t *testing.T) {
	dir := t.TempDir()
	writeFixture(t, dir, "hanger", "hanger", "")
	h, _ := newTestHost(t, Options{Dirs: []string{dir}})
	s, err := h.Masking(context.Background(), "hanger", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = s.Mask(ctx, sdk.MaskRequest{Sequence: sampleSequence()})
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrPluginTimeout) {
		t.Errorf("Mask with the caller's deadline: %v, want context.DeadlineExceeded, not ErrPluginTimeout", err)
	}
}

func TestReattachInProcess(t *testing.T) {
	rc := sdktest.ServeInProcess(t, maskingboth.New())
	h, _ := newTestHost(t, Options{Reattach: map[string]*plugin.ReattachConfig{"inproc": rc}})
	s, err := h.Masking(context.Background(), "inproc", nil)
	if err != nil {
		t.Fatalf("Masking: %v", err)
	}
	seq := sampleSequence()
	resp, err := s.Mask(context.Background(), sdk.MaskRequest{Sequence: seq})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Groups) != len(seq.Tokens) {
		t.Errorf("%d groups, want %d", len(resp.Groups), len(seq.Tokens))
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestUnknownPlugin(t *testing.T) {
	h, _ := newTestHost(t, Options{Builtins: []string{"metrics"}})
	_, err := h.Masking(context.Background(), "nope", nil)
	if !errors.Is(err, ErrPluginNotFound) || !strings.Contains(err.Error(), "metrics") {
		t.Errorf("error %v: want ErrPluginNotFound listing the available plugins", err)
	}
}
