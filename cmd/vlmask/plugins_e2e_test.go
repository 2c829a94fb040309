package main

import (
	"context"
	"math"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	vrun "github.com/vlmask/vlmask/internal/run"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/internal/goldenrun"
	"github.com/vlmask/vlmask/plugins/builtin"
	"github.com/vlmask/vlmask/sdk"
)

// rowSink keeps rows in memory.
type rowSink struct{ rows []results.Row }

func (s *rowSink) Write(rows []results.Row) error { s.rows = append(s.rows, rows...); return nil }

// TestPluginProcessesMatchInProcess: the rows `vlmask run` writes through
// plugin processes are identical, bit for bit, to the analysis with the same
// built-in strategies and metrics called directly.
func TestPluginProcessesMatchInProcess(t *testing.T) {
	needRuntime(t)
	for _, c := range visionCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"run", "--model", c.Checkpoint(), "--prompt", c.Input("prompt.txt"), "--num-tokens", "2",
				"--mask-mode", c.Info.MaskMode, "--save-attention-weights", "--output", filepath.Join(dir, "out"), "--device", "cpu"}
			for _, im := range c.ImagePaths() {
				args = append(args, "--image", im)
			}
			mustRun(t, dir, args...)
			viaPlugins, _, err := results.Read(filepath.Join(dir, "out.parquet"))
			if err != nil {
				t.Fatal(err)
			}
			direct := analyseInProcess(t, c, c.Info.MaskMode, 2)
			if len(direct) != len(viaPlugins) {
				t.Fatalf("%d rows through plugins, %d in process", len(viaPlugins), len(direct))
			}
			for i := range direct {
				a, b := direct[i], viaPlugins[i]
				a.Metrics, b.Metrics = nil, nil
				if !sameRow(a, b) {
					t.Fatalf("row %d differs:\nplugins:    %+v\nin process: %+v", i, b, a)
				}
			}
		})
	}
}

func sameRow(a, b results.Row) bool {
	bits := func(x float64) uint64 { return math.Float64bits(x) }
	return a.Step == b.Step && a.Layer == b.Layer && a.TokenMasked == b.TokenMasked && a.TokenPosition == b.TokenPosition &&
		a.Variant == b.Variant && bits(a.L2Distance) == bits(b.L2Distance) && bits(a.CosineDistance) == bits(b.CosineDistance) &&
		a.HasAttentionWeight == b.HasAttentionWeight && bits(a.AttentionWeight) == bits(b.AttentionWeight) &&
		a.TokenID == b.TokenID && a.Modality == b.Modality && a.ImageIndex == b.ImageIndex &&
		a.PatchRow == b.PatchRow && a.PatchCol == b.PatchCol && a.GroupLabel == b.GroupLabel && a.GroupSize == b.GroupSize
}

// analyseInProcess runs the analysis with the built-in plugins as plain Go
// values.
func analyseInProcess(t *testing.T, c golden.Case, mode string, steps int) []results.Row {
	t.Helper()
	run := goldenrun.Load(t, goldenrun.Runtime(t), c)
	name, err := vrun.MaskModePlugin(mode)
	if err != nil {
		t.Fatal(err)
	}
	strategy, _ := builtin.Masking(name)
	metric, _ := builtin.Metric(vrun.DefaultMetrics)
	sink := &rowSink{}
	a := &core.Analyzer{Model: run.Model, Strategy: strategy, Metrics: []sdk.Metric{metric}, GeneratedToken: vrun.GeneratedTokens(run.Proc), Rows: sink}
	if _, err := a.Run(context.Background(), run.AnalyzerInput(),
		core.Options{NumTokens: steps, SaveAttentionWeights: true, StopTokenIDs: run.Proc.Config().StopTokenIDs()}); err != nil {
		t.Fatal(err)
	}
	return sink.rows
}

// buildExample compiles an example plugin into dir as vlmask-plugin-<name>.
func buildExample(t *testing.T, name, dir string) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is needed to build the example plugins")
	}
	_, file, _, _ := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(file), "..", "..", "examples", name)
	out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "vlmask-plugin-"+name), src).CombinedOutput()
	if err != nil {
		t.Fatalf("build %s: %v\n%s", name, err, out)
	}
}

// TestExamplePluginsEndToEnd builds the two third-party-style examples and
// runs them as a user would: a plugin directory, --plugin and a config.
func TestExamplePluginsEndToEnd(t *testing.T) {
	needRuntime(t)
	c := golden.Cases(t, "qwen3_vl_basic")[0]
	plugins := t.TempDir()
	buildExample(t, "region-window", plugins)
	buildExample(t, "logit-projection", plugins)
	dir := t.TempDir()
	res := mustRun(t, dir, "run", "--model", c.Checkpoint(), "--image", c.ImagePaths()[0], "--prompt", c.Input("prompt.txt"),
		"--num-tokens", "2", "--plugin-dir", plugins, "--plugin", "region-window", "--plugin-config", `region-window={"k": 2}`,
		"--plugin", "logit-projection", "--output", "windows", "--device", "cpu")
	rows, meta, err := results.Read(filepath.Join(dir, "output", "windows.parquet"))
	if err != nil {
		t.Fatalf("%v\n%s", err, res.stdout)
	}
	// qwen3_vl_basic's image is a 4×4 merged grid: k=2 gives 4 windows of 4
	// patches; rows = steps × layers × windows × (Full, Attn, 4 heads).
	const steps, layers, windows, variants = 2, 4, 4, 6
	if len(rows) != steps*layers*windows*variants {
		t.Fatalf("%d rows, want %d", len(rows), steps*layers*windows*variants)
	}
	if !strings.Contains(strings.Join(meta.MetricColumns, ","), "logit_projection") {
		t.Errorf("metric columns %v lack the example's", meta.MetricColumns)
	}
	labels := map[string]bool{}
	for _, r := range rows {
		labels[r.GroupLabel] = true
		if r.GroupSize != 4 || r.Modality != "image" {
			t.Fatalf("row %+v: want a window of 4 image patches", r)
		}
		if len(r.Metrics) != 1 || (r.Variant == "Full" || r.Variant == "Attn") == math.IsNaN(r.Metrics[0]) {
			t.Fatalf("row %+v: the projection column should be set exactly on Full and Attn rows", r)
		}
	}
	if len(labels) != windows {
		t.Errorf("window labels %v", labels)
	}
}
