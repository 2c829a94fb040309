package mrope

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/golden"
)

// goldenDir is the repository's golden data (testdata/golden).
func goldenDir(t testing.TB) string { return golden.Dir(t) }

// goldenCase is what the tests read from one end-to-end case.
type goldenCase struct {
	dir       string
	opts      Options
	ids       []int
	grids     []Grid
	generated []int
	steps     int
	expected  *safetensors.File
}

func loadGoldenCase(t *testing.T, dir string) goldenCase {
	t.Helper()
	var cfg struct {
		ModelType          string `json:"model_type"`
		ImageTokenID       int    `json:"image_token_id"`
		VideoTokenID       int    `json:"video_token_id"`
		VisionStartTokenID int    `json:"vision_start_token_id"`
		VisionConfig       struct {
			SpatialMergeSize int `json:"spatial_merge_size"`
		} `json:"vision_config"`
	}
	readJSON(t, filepath.Join(dir, "checkpoint", "config.json"), &cfg)
	var gen struct {
		GeneratedIDs  []int `json:"generated_ids"`
		AnalysisSteps int   `json:"analysis_steps"`
	}
	readJSON(t, filepath.Join(dir, "expected", "generation.json"), &gen)
	f, err := safetensors.Open(filepath.Join(dir, "expected", "golden.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Errorf("close golden.safetensors: %v", err)
		}
	})
	c := goldenCase{
		dir: dir,
		opts: Options{
			ImageTokenID: cfg.ImageTokenID, VideoTokenID: cfg.VideoTokenID, VisionStartTokenID: cfg.VisionStartTokenID,
			SpatialMergeSize: cfg.VisionConfig.SpatialMergeSize, Family: Family(cfg.ModelType),
		},
		generated: gen.GeneratedIDs,
		steps:     gen.AnalysisSteps,
		expected:  f,
	}
	for _, id := range int64s(t, f, "input_ids") {
		c.ids = append(c.ids, int(id))
	}
	if f.Has("image_grid_thw") {
		g := int64s(t, f, "image_grid_thw")
		for i := 0; i+2 < len(g); i += 3 {
			c.grids = append(c.grids, Grid{int(g[i]), int(g[i+1]), int(g[i+2])})
		}
	}
	return c
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func int64s(t *testing.T, f *safetensors.File, name string) []int64 {
	t.Helper()
	tensor, err := f.Tensor(name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := tensor.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkRows compares positions with a golden [3, 1, n] tensor.
func checkRows(t *testing.T, what string, got Positions, want []int64) {
	t.Helper()
	n := got.Len()
	if len(want) != 3*n {
		t.Fatalf("%s: golden has %d values for %d positions", what, len(want), n)
	}
	for r, row := range got.Rows() {
		for i, v := range row {
			if v != want[r*n+i] {
				t.Fatalf("%s: row %d position %d is %d; golden %d", what, r, i, v, want[r*n+i])
			}
		}
	}
}

// TestGoldenPositionIDs checks position_ids, rope_deltas and every
// step{s}.position_ids of each vision-language golden case, computed by
// transformers' get_rope_index: for step s both Extend(s) and PositionIDs
// of the prompt plus the first s generated tokens must match.
func TestGoldenPositionIDs(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(goldenDir(t), "qwen*_vl_*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no vision-language golden cases")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c := loadGoldenCase(t, dir)
			p, err := PositionIDs(c.ids, c.grids, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, "position_ids", p, int64s(t, c.expected, "position_ids"))
			if d := int64s(t, c.expected, "rope_deltas"); len(d) != 1 || d[0] != p.Delta {
				t.Errorf("delta %d; golden %v", p.Delta, d)
			}
			for s := 0; s < c.steps; s++ {
				want := int64s(t, c.expected, fmt.Sprintf("step%d.position_ids", s))
				checkRows(t, fmt.Sprintf("step %d Extend", s), p.Extend(s), want)
				longer, err := PositionIDs(append(append([]int(nil), c.ids...), c.generated[:s]...), c.grids, c.opts)
				if err != nil {
					t.Fatal(err)
				}
				checkRows(t, fmt.Sprintf("step %d recomputed", s), longer, want)
			}
		})
	}
}

// TestGoldenTextModel checks the text-only Qwen3 case, whose position_ids
// are [1, S]: TextPositions gives 0..S−1.
func TestGoldenTextModel(t *testing.T) {
	dir := filepath.Join(goldenDir(t), "qwen3_text")
	f, err := safetensors.Open(filepath.Join(dir, "expected", "golden.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Errorf("close golden.safetensors: %v", err)
		}
	})
	want := int64s(t, f, "position_ids")
	got := TextPositions(len(int64s(t, f, "input_ids")))
	if len(want) != got.Len() {
		t.Fatalf("%d positions; golden %d", got.Len(), len(want))
	}
	for i, v := range got.T {
		if v != want[i] {
			t.Fatalf("position %d is %d; golden %d", i, v, want[i])
		}
	}
}

// TestGoldenTokenLayout checks ImageTokenLayout against tokens.json's
// image_index, patch_row and patch_col (absent for text positions).
func TestGoldenTokenLayout(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(goldenDir(t), "qwen*_vl_*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c := loadGoldenCase(t, dir)
			var tokens []struct {
				Pos        int    `json:"pos"`
				ID         int    `json:"id"`
				Modality   string `json:"modality"`
				ImageIndex *int   `json:"image_index"`
				PatchRow   *int   `json:"patch_row"`
				PatchCol   *int   `json:"patch_col"`
			}
			readJSON(t, filepath.Join(dir, "expected", "tokens.json"), &tokens)
			layout, err := ImageTokenLayout(c.ids, c.grids, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(tokens) != len(layout) {
				t.Fatalf("%d places; tokens.json has %d", len(layout), len(tokens))
			}
			images := 0
			for i, tok := range tokens {
				got := layout[i]
				if tok.Pos != i || tok.ID != c.ids[i] {
					t.Fatalf("tokens.json entry %d is pos %d id %d; input id %d", i, tok.Pos, tok.ID, c.ids[i])
				}
				if tok.Modality != "image" {
					if got.IsImage() {
						t.Errorf("position %d is text in tokens.json, image here: %+v", i, got)
					}
					continue
				}
				images++
				if tok.ImageIndex == nil || tok.PatchRow == nil || tok.PatchCol == nil {
					t.Fatalf("tokens.json image entry %d lacks its place", i)
				}
				if got.ImageIndex != *tok.ImageIndex || got.Row != *tok.PatchRow || got.Col != *tok.PatchCol || got.Frame != 0 {
					t.Errorf("position %d: %+v; tokens.json image %d row %d col %d", i, got, *tok.ImageIndex, *tok.PatchRow, *tok.PatchCol)
				}
			}
			if images == 0 && len(c.grids) > 0 {
				t.Error("no image tokens checked")
			}
		})
	}
}
