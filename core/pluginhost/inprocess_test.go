package pluginhost

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/vlmask/vlmask/plugins/builtin"
	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/sdktest"
)

// TestInProcessMetric: a built-in listed in InProcessMetrics answers as its
// plugin process would, bit for bit, without starting a process; its
// origin says so; its configuration is checked; a directory plugin
// allowed to shadow it still runs as a process; a checksum pin still
// checks the executable.
func TestInProcessMetric(t *testing.T) {
	ctx := context.Background()
	inProcess := builtin.MetricConstructors()

	outside, _ := newTestHost(t, Options{Builtins: []string{"metrics"}})
	inside, _ := newTestHost(t, Options{Builtins: []string{"metrics"}, InProcessMetrics: inProcess})
	remote, err := outside.Metric(ctx, "metrics", nil)
	if err != nil {
		t.Fatalf("out of process: %v", err)
	}
	local, err := inside.Metric(ctx, "metrics", nil)
	if err != nil {
		t.Fatalf("in process: %v", err)
	}
	if _, ok := local.(*inProcessMetric); !ok {
		t.Fatalf("Metric returned %T, want the in-process metric", local)
	}
	if kids := children(t); len(kids) != 1 {
		t.Errorf("%d child processes, want 1 (the out-of-process metric only): %v", len(kids), kids)
	}
	o, _ := OriginOf(local)
	if o.Source != SourceBuiltin || !o.InProcess || o.SHA256 == "" || o.Version == "" {
		t.Errorf("origin %+v: want the built-in, in process, with the executable's sha256 and the version", o)
	}
	d, _ := local.Describe(ctx)
	req := sdktest.SampleScoreRequest(d, 3)
	want, err := remote.Score(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := local.Score(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	for c := range want.Columns {
		w, g := want.Columns[c].Float64s(), got.Columns[c].Float64s()
		if len(g) != len(w) {
			t.Fatalf("column %s: %d values in process, %d out of process", want.Columns[c].Name, len(g), len(w))
		}
		for k := range w {
			if g[k] != w[k] {
				t.Fatalf("column %s value %d: %v in process, %v out of process", want.Columns[c].Name, k, g[k], w[k])
			}
		}
	}
	if _, err := inside.Metric(ctx, "metrics", json.RawMessage(`{"x": 1}`)); !errors.Is(err, sdk.ErrInvalidConfig) {
		t.Errorf("a config it does not take: %v, want sdk.ErrInvalidConfig", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := local.Score(cancelled, req); !errors.Is(err, context.Canceled) {
		t.Errorf("Score after cancellation: %v, want context.Canceled", err)
	}

	dir := t.TempDir()
	impostor := writeFixture(t, dir, "metrics", "bad-count", "")
	shadowed, _ := newTestHost(t, Options{Dirs: []string{dir}, Builtins: []string{"metrics"}, AllowShadowBuiltins: true, InProcessMetrics: inProcess})
	m, err := shadowed.Metric(ctx, "metrics", nil)
	if err != nil {
		t.Fatalf("shadowed: %v", err)
	}
	if o, _ := OriginOf(m); o.InProcess || o.Path != impostor {
		t.Errorf("shadowed origin %+v: want the directory plugin %s as a process", o, impostor)
	}

	pinned, _ := newTestHost(t, Options{Builtins: []string{"metrics"}, InProcessMetrics: inProcess,
		Checksums: map[string][]byte{"metrics": make([]byte, 32)}})
	if _, err := pinned.Metric(ctx, "metrics", nil); !errors.Is(err, ErrChecksumMismatch) {
		t.Errorf("pinned to another checksum: %v, want ErrChecksumMismatch", err)
	}
}
