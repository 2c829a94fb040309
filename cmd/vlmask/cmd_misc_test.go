package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/internal/run"
)

// TestGenerateJSON: `vlmask generate --json` on every golden case gives
// transformers' greedy tokens and full-softmax top-5.
func TestGenerateJSON(t *testing.T) {
	needRuntime(t)
	var cases []golden.Case
	for _, pattern := range []string{"qwen3_*", "qwen2_*", "llava_*", "gemma3_*"} {
		cases = append(cases, golden.Cases(t, pattern)...)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			args := []string{"generate", "--model", c.Checkpoint(), "--prompt", c.Input("prompt.txt"), "--num-tokens", strconv.Itoa(c.Info.NumTokens), "--json", "--device", "cpu"}
			for _, im := range c.ImagePaths() {
				args = append(args, "--image", im)
			}
			res := mustRun(t, t.TempDir(), args...)
			var got run.Generation
			if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
				t.Fatalf("%v\n%s", err, res.stdout)
			}
			var want struct {
				IDs   []int  `json:"generated_ids"`
				Text  string `json:"generated_text"`
				Steps []struct {
					Top5 []struct {
						ID   int     `json:"id"`
						Text string  `json:"text"`
						Prob float64 `json:"prob"`
					} `json:"top5"`
				} `json:"steps"`
			}
			golden.ReadJSON(t, c.Expected("generation.json"), &want)
			tol := c.Tolerance(t).Quantity(t, "top5_prob")
			if len(got.GeneratedIDs) != len(want.IDs) || got.GeneratedText != want.Text {
				t.Fatalf("generated %v %q, want %v %q", got.GeneratedIDs, got.GeneratedText, want.IDs, want.Text)
			}
			for s, st := range want.Steps {
				for k, w := range st.Top5 {
					g := got.Steps[s].Top5[k]
					if g.ID != w.ID || g.Text != w.Text || math.Abs(g.Prob-w.Prob) > tol {
						t.Errorf("step %d top5[%d] = %+v, want %+v", s, k, g, w)
					}
				}
			}
		})
	}
}

// TestInputsJSON: `vlmask inputs --json` reports the golden ids and grid.
func TestInputsJSON(t *testing.T) {
	c := golden.Cases(t, "qwen3_vl_resize")[0]
	res := mustRun(t, t.TempDir(), "inputs", "--model", c.Checkpoint(), "--image", c.ImagePaths()[0], "--prompt", c.Input("prompt.txt"), "--json")
	var got inputsJSON
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatal(err)
	}
	var want struct {
		IDs  []int   `json:"input_ids"`
		Grid [][]int `json:"image_grid_thw"`
	}
	golden.ReadJSON(t, c.Expected("input_ids.json"), &want)
	if len(got.InputIDs) != len(want.IDs) {
		t.Fatalf("%d ids, want %d", len(got.InputIDs), len(want.IDs))
	}
	for i := range want.IDs {
		if got.InputIDs[i] != want.IDs[i] {
			t.Fatalf("input_ids[%d] = %d, want %d", i, got.InputIDs[i], want.IDs[i])
		}
	}
	if g := got.Images[0].GridTHW; g[0] != want.Grid[0][0] || g[1] != want.Grid[0][1] || g[2] != want.Grid[0][2] {
		t.Errorf("grid %v, want %v", g, want.Grid[0])
	}
	text := mustRun(t, t.TempDir(), "inputs", "--model", c.Checkpoint(), "--image", c.ImagePaths()[0], "--prompt", c.Input("prompt.txt"))
	rendered, _ := os.ReadFile(c.Expected("prompt_rendered.txt"))
	if !strings.Contains(text.stdout, strings.Split(string(rendered), "\n")[1]) || !strings.Contains(text.stdout, "image_grid_thw [1 14 20]") {
		t.Errorf("inputs text output:\n%s", text.stdout)
	}
}

// TestInputsJSONViTFamilies: `vlmask inputs --json` on the LLaVA and
// Gemma 3 golden cases reports transformers' ids, Gemma 3's token_type_ids,
// channels-first pixel values and each image's token grid.
func TestInputsJSONViTFamilies(t *testing.T) {
	for _, c := range append(golden.Cases(t, "llava_*"), golden.Cases(t, "gemma3_*")...) {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			res := mustRun(t, t.TempDir(), "inputs", "--model", c.Checkpoint(), "--image", c.ImagePaths()[0], "--prompt", c.Input("prompt.txt"), "--json")
			var got inputsJSON
			if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
				t.Fatal(err)
			}
			var want struct {
				IDs        []int    `json:"input_ids"`
				Types      []int    `json:"token_type_ids"`
				Grid       [][2]int `json:"image_token_grid"`
				PixelShape []int    `json:"pixel_values_shape"`
			}
			golden.ReadJSON(t, c.Expected("input_ids.json"), &want)
			if !slices.Equal(got.InputIDs, want.IDs) || !slices.Equal(got.TokenTypeIDs, want.Types) {
				t.Errorf("ids %v, token types %v\nwant %v, %v", got.InputIDs, got.TokenTypeIDs, want.IDs, want.Types)
			}
			if len(got.Images) != 1 || got.Images[0].MergedGrid != want.Grid[0] || !slices.Equal(got.Images[0].PixelValuesShape, want.PixelShape[1:]) {
				t.Errorf("images %+v, want grid %v and pixel values %v", got.Images, want.Grid, want.PixelShape)
			}
		})
	}
}

// TestPluginsListJSON: the built-ins are listed; a plugin directory comes
// first in search order and shadows a built-in of the same name.
func TestPluginsListJSON(t *testing.T) {
	dir := t.TempDir()
	installFixture(t, dir, "crash-at-step-1")
	if err := os.WriteFile(filepath.Join(dir, "vlmask-plugin-metrics"), []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	res := mustRun(t, t.TempDir(), "plugins", "list", "--json", "--plugin-dir", dir)
	var list []pluginJSON
	if err := json.Unmarshal([]byte(res.stdout), &list); err != nil {
		t.Fatalf("%v\n%s", err, res.stdout)
	}
	byName := map[string]pluginJSON{}
	var order []string
	for _, p := range list {
		byName[p.Name] = p
		order = append(order, p.Name)
	}
	for _, name := range []string{"masking-text", "masking-vision", "masking-both", "crash-at-step-1"} {
		if p, ok := byName[name]; !ok || p.Kind != "masking" || p.Error != "" {
			t.Errorf("%s: %+v (found %v)", name, p, order)
		}
	}
	if p := byName["crash-at-step-1"]; p.Source == "builtin" {
		t.Errorf("the directory plugin is listed as a built-in: %+v", p)
	}
	m := byName["metrics"]
	if m.Source != "builtin" || m.Error != "" || len(m.Shadowed) == 0 {
		t.Errorf("the directory's 'metrics' must not replace the built-in unless allowed; the built-in lists it as shadowed: %+v", m)
	}
	res = mustRun(t, t.TempDir(), "plugins", "list", "--json", "--plugin-dir", dir, "--plugin-allow-shadow")
	if err := json.Unmarshal([]byte(res.stdout), &list); err != nil {
		t.Fatal(err)
	}
	for _, p := range list {
		if p.Name == "metrics" && (p.Source == "builtin" || p.Error == "") {
			t.Errorf("with --plugin-allow-shadow the directory's broken 'metrics' should come first, unusable: %+v", p)
		}
	}
}

// TestWorkDirPluginIsNotRun: an executable dropped into ./.vlmask/plugins
// (say, in a cloned repository) is not run by vlmask unless the user opts
// in; `plugins list` starts every plugin it finds, so it would run it.
func TestWorkDirPluginIsNotRun(t *testing.T) {
	work := t.TempDir()
	plugins := filepath.Join(work, ".vlmask", "plugins")
	if err := os.MkdirAll(plugins, 0o755); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(work, "ran")
	for _, name := range []string{"metrics", "helper"} {
		script := "#!/bin/sh\necho " + name + " >> '" + marker + "'\nexit 1\n"
		if err := os.WriteFile(filepath.Join(plugins, "vlmask-plugin-"+name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	res := mustRun(t, work, "plugins", "list", "--json")
	if _, err := os.Stat(marker); err == nil {
		t.Fatalf("a plugin in ./.vlmask/plugins was run by a plain `vlmask plugins list`")
	}
	if strings.Contains(res.stdout, plugins) {
		t.Errorf("./.vlmask/plugins was searched without opting in:\n%s", res.stdout)
	}
	res = vlmask(t, work, nil, "plugins", "list", "--json", "--plugin-search-cwd")
	ran, _ := os.ReadFile(marker)
	if string(ran) != "helper\n" {
		t.Errorf("with --plugin-search-cwd ran %q, want only the non-built-in name (helper); stderr: %s", ran, res.stderr)
	}
	if !strings.Contains(res.stderr, "name of a built-in") {
		t.Errorf("the skipped 'metrics' was not warned about at the default log level: %s", res.stderr)
	}
}

// TestDemoFlow is what `make demo` and the README run: testmodel, run with
// --max-image-resolution, report.
func TestDemoFlow(t *testing.T) {
	needRuntime(t)
	dir := t.TempDir()
	image, err := filepath.Abs(repoFile("examples", "images", "house.png"))
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, "testmodel", "--family", "qwen3_vl", "--preset", "tiny", "--seed", "1", "--out", "model")
	run := func(out string, extra ...string) []results.Row {
		args := append([]string{"run", "--model", "model", "--image", image, "--prompt", "What's in this image?",
			"--num-tokens", "2", "--mask-mode", "vision", "--output", out, "--format", "parquet,csv", "--device", "cpu"}, extra...)
		mustRun(t, dir, args...)
		rows, _, err := results.Read(filepath.Join(dir, "output", out+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	patches := func(rows []results.Row) int {
		seen := map[int]bool{}
		for _, r := range rows {
			seen[r.TokenPosition] = true
		}
		return len(seen)
	}
	full := run("full")
	small := run("small", "--max-image-resolution", "128")
	// 256×192 gives 48 image tokens; downscaled to 128×96, smart_resize's
	// minimum (128·128 pixels) brings it back up to 160×128: 20 tokens.
	if patches(full) != 48 || patches(small) != 20 {
		t.Errorf("image tokens: %d at full size, %d at --max-image-resolution 128; want 48 and 20", patches(full), patches(small))
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(image), "house_resized_128.png")); err == nil {
		t.Error("--max-image-resolution wrote next to the image")
	}
	res := mustRun(t, dir, "report", filepath.Join("output", "full.parquet"))
	if !strings.Contains(res.stdout, "early layers") || !strings.Contains(res.stdout, "[img0 r") {
		t.Errorf("report:\n%s", res.stdout)
	}
}
