package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/internal/testenv"

	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/golden"
)

// visionCases are the golden cases of every vision-language family (with
// an image or text-only).
func visionCases(t *testing.T) []golden.Case {
	t.Helper()
	var out []golden.Case
	for _, pattern := range []string{"qwen3_vl_*", "qwen2_vl_*", "qwen2_5_vl_*", "llava_*", "gemma3_*"} {
		out = append(out, golden.Cases(t, pattern)...)
	}
	return out
}

func needRuntime(t *testing.T) {
	t.Helper()
	if _, _, err := ort.FindLibrary(""); err != nil {
		testenv.Missing(t, "ONNX Runtime not found (run `make ort`): %v", err)
	}
}

// TestRunGolden is the product's acceptance test: `vlmask run` on every
// vision-language golden case, as a user runs it (checkpoint directory,
// image file, prompt file, plugins as processes), reading the written
// Parquet and CSV back and comparing them row for row with transformers'
// knockout table.
func TestRunGolden(t *testing.T) {
	needRuntime(t)
	variants := map[string]struct {
		flags []string
		keep  func(string) bool
	}{
		"all variants": {flags: []string{"--save-attention-weights"}},
		"skip per head": {flags: []string{"--skip-per-head"}, keep: func(v string) bool {
			return v == "Full" || v == "Attn"
		}},
		"default": {keep: func(v string) bool { return !strings.HasPrefix(v, "AttentionWeight_") }},
	}
	for _, c := range visionCases(t) {
		for _, method := range []string{"fast", "recompute"} {
			for vname, v := range variants {
				if method == "recompute" && vname != "all variants" {
					continue // the method does not change which rows exist
				}
				t.Run(c.Name+"/"+method+"/"+vname, func(t *testing.T) {
					t.Parallel()
					dir := t.TempDir()
					args := []string{"run", "--model", c.Checkpoint(), "--prompt", c.Input("prompt.txt"),
						"--num-tokens", strconv.Itoa(c.Info.NumTokens), "--mask-mode", c.Info.MaskMode, "--method", method,
						"--output", filepath.Join(dir, "out"), "--format", "parquet,csv", "--device", "cpu"}
					for _, im := range c.ImagePaths() {
						args = append(args, "--image", im)
					}
					res := mustRun(t, dir, append(args, v.flags...)...)
					if !strings.Contains(res.stdout, "rows from") {
						t.Errorf("summary missing: %s", res.stdout)
					}
					for _, file := range []string{"out.parquet", "out.csv"} {
						rows, meta, err := results.Read(filepath.Join(dir, file))
						if err != nil {
							t.Fatal(err)
						}
						if !meta.Complete {
							t.Errorf("%s not marked complete", file)
						}
						c.CompareKnockoutVariants(t, rows, v.keep)
					}
				})
			}
		}
	}
}
