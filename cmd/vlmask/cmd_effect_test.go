package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/internal/goldenmodel"
)

// TestRunEffectGolden: `vlmask run --effect --window 1 --window 3` on the
// golden cases that carry a propagated-knockout table writes, in Parquet
// and CSV, the knockout rows as before plus the Effect_W1 and Effect_W3
// rows, which match effect_f64.csv; by the fast path on each case, and by
// the brute force (--method recompute) on one.
func TestRunEffectGolden(t *testing.T) {
	needRuntime(t)
	for _, name := range []string{"qwen3_vl_basic", "qwen3_vl_textonly", "qwen3_text"} {
		c := golden.Cases(t, name)[0]
		for _, method := range []string{"fast", "recompute"} {
			if method == "recompute" && name != "qwen3_vl_basic" {
				continue
			}
			t.Run(name+"/"+method, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				args := []string{"run", "--model", c.Checkpoint(), "--prompt", c.Input("prompt.txt"),
					"--num-tokens", strconv.Itoa(c.Info.NumTokens), "--mask-mode", c.Info.MaskMode, "--method", method,
					"--effect", "--window", "3", "--window", "1",
					"--output", filepath.Join(dir, "out"), "--format", "parquet,csv", "--device", "cpu"}
				for _, im := range c.ImagePaths() {
					args = append(args, "--image", im)
				}
				mustRun(t, dir, args...)
				for _, file := range []string{"out.parquet", "out.csv"} {
					rows, meta, err := results.Read(filepath.Join(dir, file))
					if err != nil {
						t.Fatal(err)
					}
					if !meta.Complete || !meta.Effect || meta.Metadata[results.MetaKeyEffectWindows] != "[1,3]" {
						t.Errorf("%s: complete %t, effect columns %t, windows %q", file, meta.Complete, meta.Effect, meta.Metadata[results.MetaKeyEffectWindows])
					}
					var local, effect []results.Row
					for _, r := range rows {
						if _, ok := results.EffectWindow(r.Variant); ok {
							effect = append(effect, r)
						} else {
							local = append(local, r)
						}
					}
					c.CompareKnockoutVariants(t, local, func(v string) bool { return v == "Full" || v == "Attn" || strings.HasPrefix(v, "Head_") })
					goldenmodel.CompareEffect(t, c, effect, c.Tolerance(t).Effect)
				}
			})
		}
	}
}
