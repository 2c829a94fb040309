package main

import (
	"encoding/json"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestView draws heatmaps from a real run: the default file next to the
// results, a chosen step and variant as JSON, and each way it refuses.
func TestView(t *testing.T) {
	needRuntime(t)
	dir := t.TempDir()
	src, err := os.ReadFile(repoFile("examples", "images", "house.png"))
	if err != nil {
		t.Fatal(err)
	}
	image := filepath.Join(dir, "house.png")
	if err := os.WriteFile(image, src, 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, "testmodel", "--out", "model")
	mustRun(t, dir, "run", "--model", "model", "--image", "house.png", "--prompt", "What is this?", "--num-tokens", "2",
		"--mask-mode", "both", "--output", "r", "--device", "cpu")
	results := filepath.Join("output", "r.parquet")

	res := mustRun(t, dir, "view", results)
	sheet := filepath.Join(dir, "output", "r.heatmap.png")
	if !strings.Contains(res.stdout, "output/r.heatmap.png") || !strings.Contains(res.stdout, "4 layers of 6x8 tokens") {
		t.Errorf("view said %q", res.stdout)
	}
	f, err := os.Open(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", sheet, err)
	}
	if b := img.Bounds(); b.Dx() < 2*192 || b.Dy() < 2*144 {
		t.Errorf("sheet %v is too small for 2×2 panels of 192×144", b)
	}

	res = mustRun(t, dir, "view", "--json", "--step", "1", "--variant", "Attn", "--scale", "shared", "--out", "attn.png", results)
	var out []viewed
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil {
		t.Fatalf("view --json: %v\n%s", err, res.stdout)
	}
	if len(out) != 1 || out[0].Path != "attn.png" || !slices.Equal(out[0].Steps, []int{1}) || out[0].Layers != 4 ||
		out[0].Rows != 6 || out[0].Cols != 8 || out[0].Source != image {
		t.Errorf("view --json: %+v", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "attn.png")); err != nil {
		t.Error(err)
	}

	res = mustRun(t, dir, "view", "--json", "--per-step", "--gif", "--out", "steps.png", results)
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil {
		t.Fatalf("view --per-step --gif --json: %v\n%s", err, res.stdout)
	}
	if len(out) != 1 || !slices.Equal(out[0].StepPaths, []string{"steps.step0.png", "steps.step1.png"}) || out[0].GIF != "steps.gif" {
		t.Errorf("view --per-step --gif: %+v", out)
	}
	fh, err := os.Open(filepath.Join(dir, "steps.gif"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if anim, err := gif.DecodeAll(fh); err != nil || len(anim.Image) != 2 {
		t.Errorf("steps.gif: %v, want 2 frames", err)
	}

	if err := os.Remove(image); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args []string
		code int
		says []string
	}{
		"no such variant": {args: []string{"view", "--variant", "Head_99", results}, code: ExitInput, says: []string{"r.parquet", "Head_99", "no image-token rows"}},
		"bad scale":       {args: []string{"view", "--scale", "log", results}, code: ExitUsage, says: []string{"--scale", "log"}},
		"bad value":       {args: []string{"view", "--value", "nope", results}, code: ExitUsage, says: []string{"nope", "l2_distance"}},
		"image gone":      {args: []string{"view", results}, code: ExitInput, says: []string{"house.png", "--image"}},
		"no file":         {args: []string{"view"}, code: ExitUsage, says: []string{"one results file"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := vlmask(t, dir, nil, tc.args...)
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d\nstderr: %s", res.code, tc.code, res.stderr)
			}
			line := strings.TrimSpace(res.stderr)
			if strings.Contains(line, "\n") {
				t.Errorf("error takes more than one line: %q", line)
			}
			for _, s := range tc.says {
				if !strings.Contains(line, s) {
					t.Errorf("error %q does not mention %q", line, s)
				}
			}
		})
	}
	// The moved image is found again with --image.
	again, err := filepath.Abs(repoFile("examples", "images", "house.png"))
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, "view", "--image", again, results)
}
