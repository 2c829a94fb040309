package processor

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/internal/golden"
)

// copyCheckpoint copies a LLaVA or Gemma 3 golden checkpoint's small files (not the
// weights) into a fresh directory and applies edits to its JSON files:
// file name → key → new value (nil deletes the key).
func copyCheckpoint(t *testing.T, name string, edits map[string]map[string]any) string {
	t.Helper()
	src := filepath.Join(golden.Dir(t), name, "checkpoint")
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".safetensors") || strings.HasSuffix(e.Name(), ".model") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if edit, ok := edits[e.Name()]; ok {
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			for k, v := range edit {
				if v == nil {
					delete(m, k)
				} else {
					m[k] = v
				}
			}
			if data, err = json.Marshal(m); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// referenceImage is an image of imageproc's Pillow reference set, with the
// pixel checksums it records.
func referenceImage(t *testing.T, name, config string) (path, sha string) {
	t.Helper()
	dir := filepath.Join("..", "imageproc", "testdata", "vit")
	var expected struct {
		Cases []struct{ Image, Config, SHA256 string } `json:"cases"`
	}
	golden.ReadJSON(t, filepath.Join(dir, "expected.json"), &expected)
	for _, c := range expected.Cases {
		if c.Image == name && c.Config == config {
			return filepath.Join(dir, name), c.SHA256
		}
	}
	t.Fatalf("no reference for %s / %s", name, config)
	return "", ""
}

// TestLlavaGemma3WideImage runs a 300×90 image through both processors:
// LLaVA resizes its shortest edge and crops the center, Gemma 3 squeezes
// it to 64×64; the pixels match the Pillow reference bit for bit and the
// token counts and grids stay those of the tiny towers.
func TestLlavaGemma3WideImage(t *testing.T) {
	for _, tc := range []struct {
		checkpoint, config string
		resized            [2]int
		imageToken         int
	}{
		{"llava_basic", "clip56", [2]int{186, 56}, 564},
		{"gemma3_basic", "gemma64", [2]int{64, 64}, 565},
	} {
		t.Run(tc.checkpoint, func(t *testing.T) {
			path, sha := referenceImage(t, "wide_300x90.png", tc.config)
			p, err := Load(filepath.Join(golden.Dir(t), tc.checkpoint, "checkpoint"), nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Process(Request{Messages: p.UserPrompt("Which way is it wide?", 1), Images: []string{path}})
			if err != nil {
				t.Fatal(err)
			}
			d := res.ImageDetails[0]
			if d.PixelSHA256 != sha || d.Width != 300 || d.Height != 90 || [2]int{d.ResizedW, d.ResizedH} != tc.resized || d.Tokens != 16 {
				t.Errorf("image detail %+v, want sha %s, resized %v, 16 tokens", d, sha, tc.resized)
			}
			n := 0
			for _, tok := range res.Tokens {
				if tok.ID == tc.imageToken {
					if tok.Modality != ImageToken || tok.PatchRow != n/4 || tok.PatchCol != n%4 {
						t.Errorf("image token %d = %+v", n, tok)
					}
					n++
				}
			}
			if n != 16 || res.Images[0].GridRows != 4 || res.Images[0].GridCols != 4 {
				t.Errorf("%d image tokens, block %+v", n, res.Images[0])
			}
		})
	}
}

// TestLlavaGemma3TextOnly checks a text-only prompt longer than Gemma 3's
// sliding window: one BOS, no image tokens, positions 0 … S−1, and
// token_type_ids all 0 for Gemma 3 (none for LLaVA).
func TestLlavaGemma3TextOnly(t *testing.T) {
	prompt := strings.Repeat("Count the lines of the licence, then count them again. ", 20)
	for _, tc := range []struct {
		checkpoint string
		bos        int
		typeIDs    bool
	}{
		{"llava_basic", 1, false},
		{"gemma3_basic", 2, true},
	} {
		t.Run(tc.checkpoint, func(t *testing.T) {
			p, err := Load(filepath.Join(golden.Dir(t), tc.checkpoint, "checkpoint"), nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Process(Request{Messages: p.UserPrompt(prompt, 0)})
			if err != nil {
				t.Fatal(err)
			}
			ids := res.Prompt.IDs
			if len(ids) < 100 || ids[0] != tc.bos || slices.Contains(ids[1:], tc.bos) {
				t.Fatalf("%d ids starting %v; want one BOS %d in front", len(ids), ids[:min(5, len(ids))], tc.bos)
			}
			want, err := p.Tokenizer().EncodeSpecial(strings.TrimPrefix(res.Rendered, "<bos>"))
			if err != nil || !slices.Equal(ids, want) {
				t.Errorf("ids differ from the tokenizer's encoding with special tokens: %v", err)
			}
			for i, pos := range res.Prompt.Positions[0] {
				if pos != int64(i) || res.Prompt.Positions[1][i] != pos || res.Prompt.Positions[2][i] != pos {
					t.Fatalf("position %d = %d/%d/%d", i, pos, res.Prompt.Positions[1][i], res.Prompt.Positions[2][i])
				}
			}
			if tc.typeIDs != (res.Prompt.TokenTypeIDs != nil) || slices.Contains(res.Prompt.TokenTypeIDs, 1) {
				t.Errorf("token_type_ids %v", res.Prompt.TokenTypeIDs)
			}
			for _, tok := range res.Tokens {
				if tok.Modality != TextToken {
					t.Fatalf("token %+v in a text-only prompt", tok)
				}
			}
		})
	}
}

// TestLlavaFullStrategy checks the "full" feature strategy: each image
// keeps CLIP's class token, one more token placed before the grid.
func TestLlavaFullStrategy(t *testing.T) {
	dir := copyCheckpoint(t, "llava_basic", map[string]map[string]any{
		"config.json":           {"vision_feature_select_strategy": "full"},
		"processor_config.json": {"vision_feature_select_strategy": "full"},
	})
	p, err := Load(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := golden.Cases(t, "llava_basic")[0]
	res, err := p.Process(Request{Messages: p.UserPrompt("Two?", 2), Images: []string{c.ImagePaths()[0], c.ImagePaths()[0]}})
	if err != nil {
		t.Fatal(err)
	}
	var places [][3]int
	for _, tok := range res.Tokens {
		if tok.Modality == ImageToken {
			places = append(places, [3]int{tok.ImageIndex, tok.PatchRow, tok.PatchCol})
		}
	}
	if len(places) != 34 || places[0] != [3]int{0, -1, -1} || places[1] != [3]int{0, 0, 0} || places[16] != [3]int{0, 3, 3} ||
		places[17] != [3]int{1, -1, -1} || places[33] != [3]int{1, 3, 3} {
		t.Errorf("image token places %v", places)
	}
	if b := res.Images[1]; b.NumTokens != 17 || b.GridRows != 4 || b.FirstPosition != res.Images[0].FirstPosition+17+2 {
		t.Errorf("second image block %+v (first at %d)", b, res.Images[0].FirstPosition)
	}
}

// TestLlavaGemma3Refusals checks placeholder counts and inconsistent
// processor settings.
func TestLlavaGemma3Refusals(t *testing.T) {
	img := golden.Cases(t, "llava_basic")[0].ImagePaths()[0]
	for _, name := range []string{"llava_basic", "gemma3_basic"} {
		p, err := Load(filepath.Join(golden.Dir(t), name, "checkpoint"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Process(Request{Messages: p.UserPrompt("x", 1)}); !errors.Is(err, ErrImageCount) {
			t.Errorf("%s: a placeholder without an image: %v, want ErrImageCount", name, err)
		}
		if _, err := p.Process(Request{Messages: p.UserPrompt("x", 0), Images: []string{img}}); !errors.Is(err, ErrImageCount) {
			t.Errorf("%s: an image without a placeholder: %v, want ErrImageCount", name, err)
		}
	}
	for name, edits := range map[string]map[string]map[string]any{
		"llava patch":    {"processor_config.json": {"patch_size": 7}},
		"llava strategy": {"processor_config.json": {"vision_feature_select_strategy": "full"}},
		"llava extra":    {"processor_config.json": {"num_additional_image_tokens": 2}},
		"llava token":    {"processor_config.json": {"image_token": "<pad>"}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Load(copyCheckpoint(t, "llava_basic", edits), nil); !errors.Is(err, ErrProcessorConfig) {
				t.Errorf("Load: %v, want ErrProcessorConfig", err)
			}
		})
	}
	t.Run("gemma3 sequence length", func(t *testing.T) {
		edits := map[string]map[string]any{"processor_config.json": {"image_seq_length": 64}}
		if _, err := Load(copyCheckpoint(t, "gemma3_basic", edits), nil); !errors.Is(err, ErrProcessorConfig) {
			t.Errorf("Load: %v, want ErrProcessorConfig", err)
		}
	})
	t.Run("llava without processor_config.json", func(t *testing.T) {
		dir := copyCheckpoint(t, "llava_basic", nil)
		if err := os.Remove(filepath.Join(dir, ProcessorConfigFile)); err != nil {
			t.Fatal(err)
		}
		p, err := Load(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Process(Request{Messages: p.UserPrompt("x", 1), Images: []string{img}})
		if err != nil || res.ImageDetails[0].Tokens != 16 {
			t.Errorf("without processor_config.json: %v", err)
		}
	})
}
