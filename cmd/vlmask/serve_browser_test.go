package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vlmask/vlmask/core/results"
)

// envScreenshots names the directory where TestServeInBrowser saves its
// screenshots (default: the test's temporary directory; a relative path is
// taken from the package's directory, so give an absolute one). The
// README's screenshots are its viewer-image.png and viewer-compare.png.
const envScreenshots = "VLMASK_SCREENSHOTS"

// browserTools are what the browser test drives: node, the system
// Chromium and the driver script with playwright-core installed next to it
// (tools/browser-test, installed by `make test-tools`).
type browserTools struct {
	node, chromium, script string
}

// needBrowser finds the browser tools. Without them the test fails when
// VLMASK_REQUIRE_TEST_TOOLS=1 or CI=true (as under `make test`) and skips
// otherwise.
func needBrowser(t *testing.T) browserTools {
	t.Helper()
	var missing []string
	tools := browserTools{script: repoFile("tools", "browser-test", "drive.mjs")}
	var err error
	if tools.node, err = exec.LookPath("node"); err != nil {
		missing = append(missing, "node")
	}
	tools.chromium = os.Getenv("VLMASK_CHROMIUM")
	for _, name := range []string{"chromium", "chromium-browser"} {
		if tools.chromium == "" {
			tools.chromium, _ = exec.LookPath(name)
		}
	}
	if tools.chromium == "" {
		missing = append(missing, "chromium (apt-get install chromium)")
	}
	if _, err := os.Stat(repoFile("tools", "browser-test", "node_modules", "playwright-core", "package.json")); err != nil {
		missing = append(missing, "playwright-core in tools/browser-test")
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("browser test tools missing: %s; `make test-tools` installs them", strings.Join(missing, ", "))
		if os.Getenv("VLMASK_REQUIRE_TEST_TOOLS") == "1" || os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return tools
}

// startServe runs `vlmask serve` on files and returns its URL; the server
// is stopped when the test ends.
func startServe(t *testing.T, dir string, files ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve"}, files...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("vlmask serve did not stop cleanly: %v\n%s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("vlmask serve did not stop on SIGINT")
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("vlmask serve printed no URL: %v\n%s", err, stderr.String())
	}
	url := strings.TrimSpace(line)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("vlmask serve printed %q, want a loopback URL", url)
	}
	return url
}

// action is one step of a browser plan (see tools/browser-test/drive.mjs).
type action map[string]any

type pageObs struct {
	URL             string                     `json:"url"`
	Results         map[string]json.RawMessage `json:"results"`
	ConsoleErrors   []string                   `json:"console_errors"`
	PageErrors      []string                   `json:"page_errors"`
	OffsiteRequests []string                   `json:"offsite_requests"`
	FailedRequests  []string                   `json:"failed_requests"`
	Error           string                     `json:"error"`
}

// read is what a "read" action returns.
type read struct {
	Count  int               `json:"count"`
	Attrs  map[string]string `json:"attrs"`
	Text   string            `json:"text"`
	Hidden bool              `json:"hidden"`
}

func (p pageObs) read(t *testing.T, name string) read {
	t.Helper()
	var r read
	if err := json.Unmarshal(p.Results[name], &r); err != nil {
		t.Fatalf("%s: %v (%s)", name, err, p.Results[name])
	}
	return r
}

// drive runs the pages' plans in Chromium and checks that nothing failed,
// logged an error or reached beyond the page's origin.
func drive(t *testing.T, tools browserTools, shots string, pages ...map[string]any) []pageObs {
	t.Helper()
	plan := map[string]any{"chromium": tools.chromium, "screenshots": shots, "viewport": map[string]int{"width": 1280, "height": 900}, "pages": pages}
	raw, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	planFile := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(planFile, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tools.node, tools.script, planFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("drive.mjs: %v\n%s", err, stderr.String())
	}
	var obs struct{ Pages []pageObs }
	if err := json.Unmarshal(out, &obs); err != nil {
		t.Fatalf("drive.mjs output: %v\n%s", err, out)
	}
	for _, p := range obs.Pages {
		if p.Error != "" || len(p.ConsoleErrors)+len(p.PageErrors)+len(p.OffsiteRequests)+len(p.FailedRequests) > 0 {
			t.Errorf("%s: error %s\nconsole: %q\npage: %q\noffsite: %q\nfailed: %q", p.URL, p.Error, p.ConsoleErrors, p.PageErrors, p.OffsiteRequests, p.FailedRequests)
		}
	}
	return obs.Pages
}

func ready(extra ...action) []action {
	return append([]action{{"do": "waitAttr", "selector": "#view", "attr": "data-state", "value": "ready", "timeout": 30000}}, extra...)
}

// runCase is a results file the browser test serves and what it expects
// of it.
type runCase struct {
	path string
	rows []results.Row
	meta results.Meta
}

func loadCase(t *testing.T, path string) runCase {
	t.Helper()
	rows, meta, err := results.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return runCase{path: path, rows: rows, meta: meta}
}

// grid is image k's merged-token grid in the rows.
func (c runCase) grid(k int) (rows, cols int) {
	for _, r := range c.rows {
		if r.ImageIndex == k && r.PatchRow >= 0 {
			rows, cols = max(rows, r.PatchRow+1), max(cols, r.PatchCol+1)
		}
	}
	return rows, cols
}

func (c runCase) row(step, layer int, variant string, image, prow, pcol int) results.Row {
	for _, r := range c.rows {
		if r.Step == step && r.Layer == layer && r.Variant == variant && r.ImageIndex == image && r.PatchRow == prow && r.PatchCol == pcol {
			return r
		}
	}
	return results.Row{TokenPosition: -1}
}

// goldenLikeRuns analyses the golden case qwen3_vl_resize (a 300×200 image,
// a 7×10 grid) when ../shared/golden is there, else the tiny test model on
// examples/images/house.png (a 6×8 grid): all tokens, and image tokens
// only, for the compare view. Both grids are not square.
func goldenLikeRuns(t *testing.T, dir string) (both, vision, what string) {
	t.Helper()
	model, image, prompt := "model", repoFile("examples", "images", "house.png"), "What is in this image?"
	what = "tiny test model on house.png"
	if g, err := filepath.Abs(repoFile("..", "shared", "golden", "qwen3_vl_resize")); err == nil {
		if _, err := os.Stat(filepath.Join(g, "input", "case.json")); err == nil {
			model, image, prompt = filepath.Join(g, "checkpoint"), filepath.Join(g, "input", "image.png"), filepath.Join(g, "input", "prompt.txt")
			what = "golden case qwen3_vl_resize"
		}
	}
	if model == "model" {
		mustRun(t, dir, "testmodel", "--out", "model")
	}
	image, err := filepath.Abs(image)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"both", "vision"} {
		mustRun(t, dir, "run", "--model", model, "--image", image, "--prompt", prompt, "--num-tokens", "3", "--mask-mode", mode,
			"--save-attention-weights", "--output", filepath.Join(dir, "mask_"+mode), "--device", "cpu")
	}
	return filepath.Join(dir, "mask_both.parquet"), filepath.Join(dir, "mask_vision.parquet"), what
}

// interrupted writes the first step of a run as a file an interrupted run
// leaves: vlmask.complete=false, one step finished.
func interrupted(t *testing.T, c runCase, base string) string {
	t.Helper()
	md := maps.Clone(c.meta.Metadata)
	w, err := results.Create(base, results.Options{Metadata: md, MetricColumns: c.meta.MetricColumns})
	if err != nil {
		t.Fatal(err)
	}
	var first []results.Row
	for _, r := range c.rows {
		if r.Step == 0 {
			first = append(first, r)
		}
	}
	if err := w.Write(first); err != nil {
		t.Fatal(err)
	}
	if err := w.SetProgress(1, false); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return base + ".parquet"
}

// TestServeInBrowser is the viewer's end-to-end test: `vlmask serve` on a
// golden-like run, on a two-image run and on a run of the example plugins
// (region windows and a metric column), and `vlmask export`'s page opened
// from disk, driven in headless Chromium. It checks the grid's exact shape
// (not square), that → changes the layer and ↑ the step, that hovering a
// cell shows the token and the value of its Parquet row, the generated
// token in the text strip, the compare view's panels, an incomplete file's
// banner, windows drawn over the cells they cover with the plugin's metric,
// and that no page reaches beyond its origin.
func TestServeInBrowser(t *testing.T) {
	tools := needBrowser(t)
	needRuntime(t)
	dir := t.TempDir()
	shots := os.Getenv(envScreenshots)
	if shots == "" {
		shots = filepath.Join(dir, "screenshots")
	}
	shots, err := filepath.Abs(shots)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", shots)

	bothPath, visionPath, what := goldenLikeRuns(t, dir)
	t.Logf("single-image case: %s", what)
	a := loadCase(t, bothPath)
	incomplete := interrupted(t, a, filepath.Join(dir, "interrupted"))
	writePortrait(t, filepath.Join(dir, "portrait.png"), 160, 224)
	if _, err := os.Stat(filepath.Join(dir, "model")); err != nil {
		mustRun(t, dir, "testmodel", "--out", "model")
	}
	house, err := filepath.Abs(repoFile("examples", "images", "house.png"))
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, "run", "--model", "model", "--image", house, "--image", filepath.Join(dir, "portrait.png"),
		"--prompt", "Compare the two pictures.", "--num-tokens", "2", "--mask-mode", "both", "--output", filepath.Join(dir, "two"), "--device", "cpu")
	b := loadCase(t, filepath.Join(dir, "two.parquet"))
	plugins := filepath.Join(dir, "plugins")
	buildExample(t, "region-window", plugins)
	buildExample(t, "logit-projection", plugins)
	mustRun(t, dir, "run", "--model", "model", "--image", house, "--prompt", "What is in this image?", "--num-tokens", "2",
		"--plugin-dir", plugins, "--plugin", "region-window", "--plugin-config", `region-window={"k": 2}`, "--plugin", "logit-projection",
		"--output", filepath.Join(dir, "windows"), "--device", "cpu")
	w := loadCase(t, filepath.Join(dir, "windows.parquet"))
	var window results.Row
	for _, r := range w.rows {
		if r.Step == 0 && r.Layer == 0 && r.Variant == "Full" && r.GroupLabel == "img0 r2-3 c2-3" {
			window = r
		}
	}
	if window.GroupSize != 4 || len(w.meta.MetricColumns) != 1 {
		t.Fatalf("region-window run: window %+v, metrics %v", window, w.meta.MetricColumns)
	}
	mustRun(t, dir, "export", "--html", filepath.Join(dir, "export.html"), "--variant", "Full", "--variant", "Head_*", bothPath)

	rows, cols := a.grid(0)
	hr, hc := rows-1, cols/2 // a cell in the last row, not on the diagonal
	want := a.row(1, 1, "Full", 0, hr, hc)
	var ids []int
	if err := json.Unmarshal([]byte(a.meta.Metadata["vlmask.generated_ids"]), &ids); err != nil || len(ids) < 2 {
		t.Fatalf("generated ids %q: %v", a.meta.Metadata["vlmask.generated_ids"], err)
	}
	cell := fmt.Sprintf(".grid .cell[data-row='%d'][data-col='%d']", hr, hc)

	urlA := startServe(t, dir, bothPath, visionPath, incomplete)
	urlB := startServe(t, dir, filepath.Join(dir, "two.parquet"))
	urlC := startServe(t, dir, filepath.Join(dir, "windows.parquet"))
	pages := drive(t, tools, shots,
		map[string]any{"url": urlA, "actions": ready(
			action{"name": "grid", "do": "read", "selector": ".grid", "attrs": []string{"data-rows", "data-cols"}},
			action{"name": "cells", "do": "read", "selector": ".grid .cell"},
			action{"name": "template", "do": "style", "selector": ".grid", "props": []string{"grid-template-rows", "grid-template-columns"}},
			action{"name": "banner", "do": "read", "selector": "#banner"},
			action{"name": "layer0", "do": "read", "selector": "#layer-label", "attrs": []string{"data-layer"}},
			action{"do": "press", "key": "ArrowRight"},
			action{"do": "waitAttr", "selector": "#view", "attr": "data-layer", "value": "1"},
			action{"name": "layer1", "do": "read", "selector": "#layer-label", "attrs": []string{"data-layer"}},
			action{"name": "step0", "do": "read", "selector": "#step-label", "attrs": []string{"data-step"}},
			action{"do": "press", "key": "ArrowUp"},
			action{"do": "waitAttr", "selector": "#view", "attr": "data-step", "value": "1"},
			action{"name": "step1", "do": "read", "selector": "#step-label", "attrs": []string{"data-step"}},
			action{"do": "hover", "selector": cell},
			action{"name": "tooltip", "do": "read", "selector": "#tooltip", "attrs": []string{"data-text", "data-pos", "data-value", "data-row", "data-col", "data-rank"}, "text": true},
			action{"name": "generated", "do": "read", "selector": ".text-strip .chip.generated", "attrs": []string{"data-id", "data-step"}, "text": true},
			action{"do": "screenshot", "file": "viewer-image.png"},
			action{"do": "press", "key": "m"},
			action{"do": "waitAttr", "selector": "#view", "attr": "data-view", "value": "matrix"},
			action{"name": "matrix", "do": "read", "selector": "canvas.matrix", "attrs": []string{"data-layers", "data-units"}},
			action{"do": "screenshot", "file": "viewer-matrix.png"},
			action{"do": "press", "key": "h"},
			action{"do": "waitAttr", "selector": "#view", "attr": "data-view", "value": "heads"},
			action{"name": "heads", "do": "read", "selector": ".head-panel"},
			action{"do": "screenshot", "file": "viewer-heads.png"},
			action{"do": "press", "key": "c"},
			action{"do": "waitAttr", "selector": "#view", "attr": "data-view", "value": "compare"},
			action{"name": "panels", "do": "read", "selector": ".compare-panel"},
			action{"do": "screenshot", "file": "viewer-compare-runs.png"},
			action{"do": "select", "selector": "#cmp-file", "value": "0"},
			action{"do": "select", "selector": "#cmp-variant", "value": "Attn"},
			action{"do": "waitAttr", "selector": "#view", "attr": "data-cmp", "value": "0/Attn"},
			action{"name": "variantPanels", "do": "read", "selector": ".compare-panel"},
			action{"do": "screenshot", "file": "viewer-compare.png"},
			action{"do": "press", "key": "i"},
			action{"do": "select", "selector": "#file", "value": "2"},
			action{"do": "waitAttr", "selector": "#view", "attr": "data-file", "value": "2"},
			action{"name": "incomplete", "do": "read", "selector": "#banner", "text": true},
			action{"do": "screenshot", "file": "viewer-incomplete.png"},
		)},
		map[string]any{"url": urlB, "actions": ready(
			action{"name": "grids", "do": "readAll", "selector": ".grid", "attrs": []string{"data-image", "data-rows", "data-cols"}},
			action{"do": "screenshot", "file": "viewer-two-images.png"},
		)},
		map[string]any{"url": urlC, "actions": ready(
			action{"do": "select", "selector": "#value", "value": w.meta.MetricColumns[0]},
			action{"do": "waitAttr", "selector": "#view", "attr": "data-value", "value": w.meta.MetricColumns[0]},
			action{"name": "grid", "do": "read", "selector": ".grid", "attrs": []string{"data-rows", "data-cols"}},
			action{"name": "cells", "do": "readAll", "selector": ".grid .cell", "attrs": []string{"data-row", "data-col"}},
			action{"do": "hover", "selector": ".grid .cell[data-row='2'][data-col='2']"},
			action{"name": "tooltip", "do": "read", "selector": "#tooltip", "attrs": []string{"data-pos", "data-value"}, "text": true},
			action{"do": "screenshot", "file": "viewer-windows.png"},
		)},
		map[string]any{"url": "file://" + filepath.Join(dir, "export.html"), "actions": ready(
			action{"name": "grid", "do": "read", "selector": ".grid", "attrs": []string{"data-rows", "data-cols"}},
			action{"do": "press", "key": "ArrowRight"},
			action{"do": "waitAttr", "selector": "#view", "attr": "data-layer", "value": "1"},
			action{"do": "press", "key": "ArrowUp"},
			action{"do": "waitAttr", "selector": "#view", "attr": "data-step", "value": "1"},
			action{"do": "hover", "selector": cell},
			action{"name": "tooltip", "do": "read", "selector": "#tooltip", "attrs": []string{"data-pos", "data-value"}},
			action{"do": "press", "key": "h"},
			action{"do": "waitAttr", "selector": "#view", "attr": "data-view", "value": "heads"},
			action{"do": "screenshot", "file": "export-heads.png"},
		)},
	)
	if t.Failed() {
		return
	}
	p := pages[0]
	if g := p.read(t, "grid"); g.Attrs["data-rows"] != strconv.Itoa(rows) || g.Attrs["data-cols"] != strconv.Itoa(cols) || rows == cols {
		t.Errorf("grid %v, want the image's %d×%d (not square)", g.Attrs, rows, cols)
	}
	if n := p.read(t, "cells").Count; n != rows*cols {
		t.Errorf("%d cells, want %d", n, rows*cols)
	}
	var tmpl map[string]string
	if err := json.Unmarshal(p.Results["template"], &tmpl); err != nil {
		t.Fatal(err)
	}
	if r, c := len(strings.Fields(tmpl["grid-template-rows"])), len(strings.Fields(tmpl["grid-template-columns"])); r != rows || c != cols {
		t.Errorf("CSS grid %d×%d (%v), want %d×%d", r, c, tmpl, rows, cols)
	}
	if !p.read(t, "banner").Hidden {
		t.Error("a complete file shows the incomplete banner")
	}
	if l0, l1 := p.read(t, "layer0").Attrs["data-layer"], p.read(t, "layer1").Attrs["data-layer"]; l0 != "0" || l1 != "1" {
		t.Errorf("→ moved the layer from %s to %s, want 0 to 1", l0, l1)
	}
	if s0, s1 := p.read(t, "step0").Attrs["data-step"], p.read(t, "step1").Attrs["data-step"]; s0 != "0" || s1 != "1" {
		t.Errorf("↑ moved the step from %s to %s, want 0 to 1", s0, s1)
	}
	tip := p.read(t, "tooltip")
	got, err := strconv.ParseFloat(tip.Attrs["data-value"], 64)
	if err != nil || want.TokenPosition < 0 || math.Float64bits(got) != math.Float64bits(want.L2Distance) ||
		tip.Attrs["data-pos"] != strconv.Itoa(want.TokenPosition) || tip.Attrs["data-text"] != want.TokenMasked ||
		tip.Attrs["data-row"] != strconv.Itoa(hr) || tip.Attrs["data-col"] != strconv.Itoa(hc) {
		t.Errorf("hover on row %d col %d: %v (%q), want position %d %q value %v", hr, hc, tip.Attrs, tip.Text, want.TokenPosition, want.TokenMasked, want.L2Distance)
	}
	if !strings.Contains(tip.Text, "value") || !strings.Contains(tip.Text, "rank") {
		t.Errorf("tooltip text %q lacks value or rank", tip.Text)
	}
	if g := p.read(t, "generated"); g.Count != 1 || g.Attrs["data-id"] != strconv.Itoa(ids[1]) || g.Attrs["data-step"] != "1" {
		t.Errorf("generated token %+v, want id %d at step 1", g, ids[1])
	}
	if m := p.read(t, "matrix"); m.Attrs["data-layers"] != strconv.Itoa(layersOf(a)) {
		t.Errorf("matrix %v, want %d layers", m.Attrs, layersOf(a))
	}
	if h := p.read(t, "heads"); h.Count < 2 {
		t.Errorf("%d head panels", h.Count)
	}
	if n := p.read(t, "panels").Count; n < 2 {
		t.Errorf("compare view of two runs shows %d panels, want two and their difference", n)
	}
	if n := p.read(t, "variantPanels").Count; n < 2 {
		t.Errorf("compare view of two variants shows %d panels, want two and their difference", n)
	}
	if b := p.read(t, "incomplete"); b.Hidden || !strings.Contains(b.Text, "Incomplete") {
		t.Errorf("interrupted file: banner %+v", b)
	}

	var grids []map[string]string
	if err := json.Unmarshal(pages[1].Results["grids"], &grids); err != nil {
		t.Fatal(err)
	}
	if len(grids) != 2 {
		t.Fatalf("two-image run shows %d grids", len(grids))
	}
	for k, g := range grids {
		r, c := b.grid(k)
		if g["data-image"] != strconv.Itoa(k) || g["data-rows"] != strconv.Itoa(r) || g["data-cols"] != strconv.Itoa(c) {
			t.Errorf("image %d: grid %v, want %d×%d", k, g, r, c)
		}
	}

	c := pages[2]
	wr, wc := 6, 8 // house.png's grid
	if g := c.read(t, "grid"); g.Attrs["data-rows"] != strconv.Itoa(wr) || g.Attrs["data-cols"] != strconv.Itoa(wc) {
		t.Errorf("region windows: grid %v, want %d×%d", g.Attrs, wr, wc)
	}
	var cells []map[string]string
	if err := json.Unmarshal(c.Results["cells"], &cells); err != nil {
		t.Fatal(err)
	}
	if want := ((wr + 1) / 2) * ((wc + 1) / 2); len(cells) != want {
		t.Errorf("region windows: %d cells, want one per 2×2 window (%d)", len(cells), want)
	}
	if tip := c.read(t, "tooltip"); !sameAsJS(tip.Attrs["data-value"], window.Metrics[0]) || tip.Attrs["data-pos"] != strconv.Itoa(window.TokenPosition) ||
		!strings.Contains(tip.Text, "rows 2–3, cols 2–3") {
		t.Errorf("region window hover: %v %q, want position %d, %s %v", tip.Attrs, tip.Text, window.TokenPosition, w.meta.MetricColumns[0], window.Metrics[0])
	}

	e := pages[3]
	if g := e.read(t, "grid"); g.Attrs["data-rows"] != strconv.Itoa(rows) || g.Attrs["data-cols"] != strconv.Itoa(cols) {
		t.Errorf("exported page: grid %v, want %d×%d", g.Attrs, rows, cols)
	}
	if tip := e.read(t, "tooltip"); tip.Attrs["data-value"] != strconv.FormatFloat(want.L2Distance, 'g', -1, 64) && !sameAsJS(tip.Attrs["data-value"], want.L2Distance) {
		t.Errorf("exported page: hover %v, want value %v", tip.Attrs, want.L2Distance)
	}
}

// sameAsJS compares a number JavaScript printed with a float64.
func sameAsJS(s string, x float64) bool {
	v, err := strconv.ParseFloat(s, 64)
	return err == nil && math.Float64bits(v) == math.Float64bits(x)
}

func layersOf(c runCase) int {
	n := 0
	for _, r := range c.rows {
		n = max(n, r.Layer+1)
	}
	return n
}
