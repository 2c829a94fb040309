package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/sdk"
)

// readRows reads a results file written into dir/output.
func readRows(t *testing.T, dir, name string) []results.Row {
	t.Helper()
	rows, meta, err := results.Read(filepath.Join(dir, "output", name))
	if err != nil {
		t.Fatal(err)
	}
	if !meta.Complete {
		t.Errorf("%s not marked complete", name)
	}
	return rows
}

// sameKnockout fails unless two runs wrote the same rows with l2 and
// cosine distances within tol (fast against recompute).
func sameKnockout(t *testing.T, a, b []results.Row, tol float64) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%d rows and %d rows", len(a), len(b))
	}
	for i := range a {
		if a[i].Step != b[i].Step || a[i].Layer != b[i].Layer || a[i].TokenPosition != b[i].TokenPosition || a[i].Variant != b[i].Variant {
			t.Fatalf("row %d: %+v vs %+v", i, a[i], b[i])
		}
		for _, d := range []float64{a[i].L2Distance - b[i].L2Distance, a[i].CosineDistance - b[i].CosineDistance} {
			if d > tol || d < -tol {
				t.Fatalf("row %d (%s, layer %d, pos %d): %v/%v vs %v/%v", i, a[i].Variant, a[i].Layer, a[i].TokenPosition,
					a[i].L2Distance, a[i].CosineDistance, b[i].L2Distance, b[i].CosineDistance)
			}
		}
	}
}

// TestTestmodelViTFamiliesRun: generated tiny LLaVA and Gemma 3 models run
// end to end on a wide image (LLaVA center-crops it, Gemma 3 squeezes it)
// in every mask mode, by both methods: the text mode masks exactly the text
// tokens, the vision mode exactly the 4×4 image tokens, both all of them;
// view and report read the result.
func TestTestmodelViTFamiliesRun(t *testing.T) {
	needRuntime(t)
	for _, family := range []string{"llava", "gemma3"} {
		t.Run(family, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writePortrait(t, filepath.Join(dir, "wide.png"), 320, 90)
			mustRun(t, dir, "testmodel", "--family", family, "--preset", "tiny", "--seed", "4", "--out", "model")
			counts := map[string]int{}
			for _, mode := range []string{"text", "vision", "both"} {
				var fast []results.Row
				for _, method := range []string{"fast", "recompute"} {
					name := mode + "-" + method
					mustRun(t, dir, "run", "--model", "model", "--image", "wide.png", "--prompt", "What is in the picture?",
						"--num-tokens", "2", "--mask-mode", mode, "--method", method, "--output", name,
						"--format", "csv", "--device", "cpu", "--save-attention-weights")
					rows := readRows(t, dir, name+".csv")
					if fast == nil {
						fast = rows
						continue
					}
					sameKnockout(t, rows, fast, 1e-4)
				}
				positions := map[[2]int]bool{}
				for _, r := range fast {
					image := r.Modality == string(sdk.Image)
					if (mode == "text" && image) || (mode == "vision" && !image) {
						t.Fatalf("%s mode masked a %s token: %+v", mode, r.Modality, r)
					}
					if image && (r.PatchRow < 0 || r.PatchRow > 3 || r.PatchCol < 0 || r.PatchCol > 3 || r.ImageIndex != 0) {
						t.Errorf("image token outside the 4×4 grid: %+v", r)
					}
					positions[[2]int{r.Step, r.TokenPosition}] = true
				}
				counts[mode] = len(positions)
			}
			// 16 image tokens at each of the two steps.
			if counts["vision"] != 2*16 || counts["both"] != counts["text"]+counts["vision"] {
				t.Errorf("masked (step, position) pairs per mode: %v", counts)
			}
			view := mustRun(t, dir, "view", filepath.Join("output", "both-fast.csv"))
			if _, err := os.Stat(filepath.Join(dir, "output", "both-fast.heatmap.png")); err != nil {
				t.Errorf("view wrote no heatmap: %v\n%s", err, view.stdout)
			}
			report := mustRun(t, dir, "report", filepath.Join("output", "both-fast.csv"))
			if !strings.Contains(report.stdout, "layer") {
				t.Errorf("report output:\n%s", report.stdout)
			}
		})
	}
}

// TestTestmodelGemma3LongTextPrompt: a text-only Gemma 3 prompt longer
// than the sliding window (8 in the tiny preset, layers 0, 1 and 3). In a
// sliding layer a key more than 7 positions before the final one has
// weight 0, so its rows are exact zeros — l2, cosine and the attention
// weight — by both methods; the full-attention layer sees every key.
func TestTestmodelGemma3LongTextPrompt(t *testing.T) {
	needRuntime(t)
	dir := t.TempDir()
	mustRun(t, dir, "testmodel", "--family", "gemma3", "--preset", "tiny", "--seed", "6", "--out", "model")
	prompt := "Count the apples, then the pears, then the plums in the basket on the table, and tell me which fruit is the most common one."
	var fast []results.Row
	for _, method := range []string{"fast", "recompute"} {
		mustRun(t, dir, "run", "--model", "model", "--prompt", prompt, "--num-tokens", "3", "--mask-mode", "text",
			"--method", method, "--output", method, "--format", "parquet", "--device", "cpu", "--save-attention-weights")
		rows := readRows(t, dir, method+".parquet")
		seqLen := map[int]int{}
		for _, r := range rows {
			seqLen[r.Step] = max(seqLen[r.Step], r.TokenPosition+1)
		}
		if seqLen[0] <= 16 {
			t.Fatalf("the prompt has %d tokens; want well over the window of 8", seqLen[0])
		}
		zeros, nonzeroFull := 0, 0
		for _, r := range rows {
			if r.Modality != string(sdk.Text) {
				t.Fatalf("text-only prompt with a %s token: %+v", r.Modality, r)
			}
			unseen := r.Layer != 2 && r.TokenPosition <= seqLen[r.Step]-1-8
			switch {
			case unseen:
				if r.L2Distance != 0 || r.CosineDistance != 0 || (r.HasAttentionWeight && r.AttentionWeight != 0) {
					t.Fatalf("%s: a key outside the window: %+v, want exact zeros", method, r)
				}
				zeros++
			case r.Layer == 2 && r.Variant == "Full" && r.L2Distance > 0:
				nonzeroFull++
			}
		}
		if zeros == 0 || nonzeroFull < seqLen[0]-1 {
			t.Errorf("%s: %d zero rows outside the window, %d Full rows with an effect in the full layer", method, zeros, nonzeroFull)
		}
		if fast == nil {
			fast = rows
			continue
		}
		sameKnockout(t, rows, fast, 1e-4)
	}
}
