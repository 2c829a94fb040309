package main

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// writePortrait writes a w×h RGB test pattern as a PNG.
func writePortrait(t *testing.T, path string, w, h int) {
	t.Helper()
	im := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			im.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 3), uint8((x + y) * 5), 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, im); err != nil {
		t.Fatal(err)
	}
}

// TestTestmodelQwen2FamiliesRun: a generated tiny Qwen2-VL and Qwen2.5-VL
// run end to end on a portrait image whose merged grid (11×5) is no
// multiple of Qwen2.5-VL's 2×2 windows, by both methods, and view draws
// the result.
func TestTestmodelQwen2FamiliesRun(t *testing.T) {
	needRuntime(t)
	for _, family := range []string{"qwen2_vl", "qwen2_5_vl"} {
		t.Run(family, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writePortrait(t, filepath.Join(dir, "portrait.png"), 150, 300)
			mustRun(t, dir, "testmodel", "--family", family, "--preset", "tiny", "--seed", "2", "--out", "model")
			var firstRows []results.Row
			for _, method := range []string{"fast", "recompute"} {
				mustRun(t, dir, "run", "--model", "model", "--image", "portrait.png", "--prompt", "What is this?",
					"--num-tokens", "2", "--mask-mode", "vision", "--method", method, "--output", method,
					"--format", "csv", "--device", "cpu")
				rows, meta, err := results.Read(filepath.Join(dir, "output", method+".csv"))
				if err != nil {
					t.Fatal(err)
				}
				if !meta.Complete {
					t.Error("output not marked complete")
				}
				// 150×300 resizes to 140×308: 10×22 patches, 5×11 merged;
				// rows = steps × layers × 55 tokens × (Full, Attn, 4 heads).
				if want := 2 * 4 * 55 * 6; len(rows) != want {
					t.Fatalf("%s: %d rows, want %d", method, len(rows), want)
				}
				maxRow, maxCol := 0, 0
				for _, r := range rows {
					maxRow, maxCol = max(maxRow, r.PatchRow), max(maxCol, r.PatchCol)
				}
				if maxRow != 10 || maxCol != 4 {
					t.Errorf("merged grid up to row %d col %d, want 10 and 4", maxRow, maxCol)
				}
				if firstRows == nil {
					firstRows = rows
					continue
				}
				for i := range rows {
					if d := rows[i].L2Distance - firstRows[i].L2Distance; d > 1e-4 || d < -1e-4 {
						t.Fatalf("row %d: recompute %v, fast %v", i, rows[i].L2Distance, firstRows[i].L2Distance)
					}
				}
			}
			mustRun(t, dir, "view", filepath.Join("output", "fast.csv"))
			if _, err := os.Stat(filepath.Join(dir, "output", "fast.heatmap.png")); err != nil {
				t.Error(err)
			}
		})
	}
}
