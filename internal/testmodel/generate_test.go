package testmodel_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// TestTinyMatchesGolden checks that the tiny checkpoints have exactly the
// golden tiny checkpoints' files, tensor names, shapes and dtypes, and that
// the files that do not depend on the tokenizer's merges or the weights are
// byte for byte the golden ones (which transformers 4.57.6 wrote).
func TestTinyMatchesGolden(t *testing.T) {
	t.Parallel()
	cases := []struct {
		family, golden string
		identical      []string
	}{
		{testmodel.FamilyQwen3VL, "qwen3_vl_basic", []string{
			"config.json", "generation_config.json", "chat_template.json",
			"tokenizer_config.json", "video_preprocessor_config.json",
		}},
		{testmodel.FamilyQwen3, "qwen3_text", []string{
			"config.json", "generation_config.json", "tokenizer_config.json",
		}},
		{testmodel.FamilyQwen2VL, "qwen2_vl_basic", []string{
			"config.json", "generation_config.json", "chat_template.json", "tokenizer_config.json",
		}},
		{testmodel.FamilyQwen25VL, "qwen2_5_vl_basic", []string{
			"config.json", "generation_config.json", "chat_template.json", "tokenizer_config.json",
		}},
		// LLaVA and Gemma 3 carry the golden tokenizers: every file but the
		// weights is the golden one.
		{testmodel.FamilyLlava, "llava_basic", []string{
			"config.json", "generation_config.json", "preprocessor_config.json", "processor_config.json",
			"tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json",
			"added_tokens.json", "chat_template.json", "chat_template.jinja",
		}},
		{testmodel.FamilyGemma3, "gemma3_basic", []string{
			"config.json", "generation_config.json", "preprocessor_config.json", "processor_config.json",
			"tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json",
			"added_tokens.json", "chat_template.json",
		}},
	}
	for _, c := range cases {
		t.Run(c.family, func(t *testing.T) {
			t.Parallel()
			want := goldenCheckpoint(t, c.golden)
			dir := generate(t, testmodel.Options{Family: c.family, Seed: 5})

			if _, err := checkpoint.Load(dir); err != nil {
				t.Fatalf("checkpoint.Load: %v", err)
			}
			if got, exp := dirNames(t, dir), append(dirNames(t, want), testmodel.MarkerFile); !reflect.DeepEqual(got, sorted(exp)) {
				t.Errorf("files %q, want the golden checkpoint's %q", got, sorted(exp))
			}
			for _, name := range c.identical {
				if !bytes.Equal(readFile(t, dir, name), readFile(t, want, name)) {
					t.Errorf("%s differs from the golden checkpoint's", name)
				}
			}
			// tokenizer.json: everything but the learned vocabulary and merges.
			if got, exp := tokenizerWithoutModel(t, dir), tokenizerWithoutModel(t, want); !reflect.DeepEqual(got, exp) {
				t.Errorf("tokenizer.json differs from the golden one outside vocab and merges:\n got %v\nwant %v", got, exp)
			}

			gotSet, wantSet := openSet(t, dir), openSet(t, want)
			if !reflect.DeepEqual(gotSet.Names(), wantSet.Names()) {
				t.Fatalf("tensor names differ:\n got %q\nwant %q", gotSet.Names(), wantSet.Names())
			}
			for _, name := range wantSet.Names() {
				g, w := tensor(t, gotSet, name), tensor(t, wantSet, name)
				if g.DType != w.DType || !slices.Equal(g.Shape, w.Shape) {
					t.Errorf("%s: %s %v, want %s %v", name, g.DType, g.Shape, w.DType, w.Shape)
				}
			}
			if gotSet.Metadata()["format"] != "pt" {
				t.Errorf("safetensors metadata %v, want format pt", gotSet.Metadata())
			}
		})
	}
}

// TestTinyPreprocessorConfig checks the tiny image bounds: the golden
// file's layout with max_pixels 512·512 (Qwen3-VL: min_pixels 128·128).
func TestTinyPreprocessorConfig(t *testing.T) {
	t.Parallel()
	for family, golden := range map[string]string{
		testmodel.FamilyQwen3VL:  "qwen3_vl_basic",
		testmodel.FamilyQwen2VL:  "qwen2_vl_basic",
		testmodel.FamilyQwen25VL: "qwen2_5_vl_basic",
	} {
		t.Run(family, func(t *testing.T) {
			dir := generate(t, testmodel.Options{Family: family})
			var got, want map[string]any
			if err := json.Unmarshal(readFile(t, dir, "preprocessor_config.json"), &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(readFile(t, goldenCheckpoint(t, golden), "preprocessor_config.json"), &want); err != nil {
				t.Fatal(err)
			}
			want["max_pixels"] = float64(512 * 512)
			if size, ok := want["size"].(map[string]any); ok {
				size["longest_edge"] = float64(512 * 512)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("preprocessor_config.json = %v, want %v", got, want)
			}
		})
	}
}

// TestGenerateLoads checks the normalized configuration of generated
// checkpoints as vlmask's loader reads it.
func TestGenerateLoads(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		opts       testmodel.Options
		layers     int
		deepstack  []int
		tied       bool
		dtype      string
		visionTags bool
	}{
		{"tiny", testmodel.Options{}, 4, []int{0, 1}, false, "float32", true},
		{"tiny 1 layer bf16", testmodel.Options{Layers: 1, DType: testmodel.DTypeBFloat16}, 1, []int{0}, false, "bfloat16", true},
		{"tiny without vision weights", testmodel.Options{Vision: boolPtr(false)}, 4, []int{0, 1}, false, "float32", false},
		{"qwen3 text", testmodel.Options{Family: testmodel.FamilyQwen3, Layers: 3}, 3, nil, true, "float32", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := generate(t, c.opts)
			cfg, err := checkpoint.Load(dir)
			if err != nil {
				t.Fatalf("checkpoint.Load: %v", err)
			}
			if cfg.Text.VocabSize != 512 || cfg.Text.HiddenSize != 64 || cfg.Text.NumLayers != c.layers ||
				cfg.Text.NumHeads != 4 || cfg.Text.NumKVHeads != 2 || cfg.Text.HeadDim != 16 || !cfg.Text.QKNorm {
				t.Errorf("text config %+v", cfg.Text)
			}
			if cfg.DType != c.dtype || cfg.TieWordEmbeddings != c.tied {
				t.Errorf("dtype %q tied %v, want %q %v", cfg.DType, cfg.TieWordEmbeddings, c.dtype, c.tied)
			}
			if got := cfg.StopTokenIDs(); !slices.Equal(got, []int{506, 504}) {
				t.Errorf("stop tokens %v, want [506 504]", got)
			}
			if c.opts.Family == testmodel.FamilyQwen3 {
				if cfg.Vision != nil || cfg.Family != checkpoint.Qwen3 {
					t.Errorf("family %s with vision %+v", cfg.Family, cfg.Vision)
				}
			} else {
				if cfg.Vision == nil || !slices.Equal(cfg.Vision.DeepstackVisualIndexes, c.deepstack) {
					t.Fatalf("vision config %+v, want deepstack %v", cfg.Vision, c.deepstack)
				}
				if cfg.ImageTokenID != 510 || cfg.VideoTokenID != 511 || cfg.VisionStartTokenID != 507 || cfg.VisionEndTokenID != 508 {
					t.Errorf("special ids %d %d %d %d", cfg.ImageTokenID, cfg.VideoTokenID, cfg.VisionStartTokenID, cfg.VisionEndTokenID)
				}
			}

			plan, err := testmodel.NewPlan(c.opts)
			if err != nil {
				t.Fatal(err)
			}
			set := openSet(t, dir)
			var want []string
			for _, s := range plan.Tensors {
				want = append(want, s.Name)
			}
			if got := set.Names(); !reflect.DeepEqual(got, sorted(want)) {
				t.Errorf("tensors %q, want the plan's %q", got, sorted(want))
			}
			hasVision := slices.ContainsFunc(set.Names(), func(n string) bool { return strings.HasPrefix(n, "model.visual.") })
			if hasVision != c.visionTags {
				t.Errorf("vision tensors present: %v, want %v", hasVision, c.visionTags)
			}
			if set.Has("lm_head.weight") == c.tied {
				t.Errorf("lm_head.weight present: %v with tied embeddings %v", set.Has("lm_head.weight"), c.tied)
			}
			wantDType := safetensors.F32
			if c.dtype == "bfloat16" {
				wantDType = safetensors.BF16
			}
			for _, s := range plan.Tensors {
				if x := tensor(t, set, s.Name); x.DType != wantDType || !slices.Equal(x.Shape, s.Shape) {
					t.Errorf("%s: %s %v, want %s %v", s.Name, x.DType, x.Shape, wantDType, s.Shape)
				}
			}
		})
	}
}

// TestWeightDistributions checks each large enough tensor's sample mean
// and standard deviation against the distribution the plan gives it
// (N(0, 1/fan_in) for Linear and Conv weights, N(0, 1) for embeddings,
// 1 + N(0, 0.1²) for norm weights, ...), within six standard errors.
func TestWeightDistributions(t *testing.T) {
	t.Parallel()
	opts := testmodel.Options{Seed: 11}
	plan, err := testmodel.NewPlan(opts)
	if err != nil {
		t.Fatal(err)
	}
	set := openSet(t, generate(t, opts))
	checked := 0
	for _, s := range plan.Tensors {
		n := float64(s.NumElements())
		if n < 256 {
			continue
		}
		var sum, sq float64
		for _, v := range floats(t, set, s.Name) {
			sum += float64(v)
			sq += float64(v) * float64(v)
		}
		mean := sum / n
		sd := math.Sqrt(sq/n - mean*mean)
		if math.Abs(mean-s.Mean) > 6*s.Std/math.Sqrt(n) || math.Abs(sd-s.Std) > 6*s.Std/math.Sqrt(2*n) {
			t.Errorf("%s: mean %.4f sd %.4f, want N(%.4f, %.4f²)", s.Name, mean, sd, s.Mean, s.Std)
		}
		checked++
	}
	if checked < 40 {
		t.Errorf("only %d tensors checked", checked)
	}
}

// TestDeterminism checks that a seed gives the same bytes every time, that
// another seed changes every tensor and nothing else, and that a tensor's
// values do not depend on the layer count.
func TestDeterminism(t *testing.T) {
	t.Parallel()
	a := generate(t, testmodel.Options{Seed: 1})
	b := generate(t, testmodel.Options{Seed: 1})
	c := generate(t, testmodel.Options{Seed: 2})
	for _, name := range dirNames(t, a) {
		if !bytes.Equal(readFile(t, a, name), readFile(t, b, name)) {
			t.Errorf("seed 1 twice: %s differs", name)
		}
		same := bytes.Equal(readFile(t, a, name), readFile(t, c, name))
		if changes := name == "model.safetensors" || name == testmodel.MarkerFile; same == changes {
			t.Errorf("seeds 1 and 2: %s identical = %v", name, same)
		}
	}
	setA, setC := openSet(t, a), openSet(t, c)
	for _, name := range setA.Names() {
		if bytes.Equal(tensor(t, setA, name).Data, tensor(t, setC, name).Data) {
			t.Errorf("seeds 1 and 2 give the same %s", name)
		}
	}

	short := openSet(t, generate(t, testmodel.Options{Seed: 1, Layers: 2}))
	for _, name := range short.Names() {
		if !bytes.Equal(tensor(t, short, name).Data, tensor(t, setA, name).Data) {
			t.Errorf("%s differs between 2 and 4 layers", name)
		}
	}
}

// TestBFloat16 checks that bfloat16 weights are the float32 weights of the
// same seed rounded to the nearest bfloat16.
func TestBFloat16(t *testing.T) {
	t.Parallel()
	f32 := openSet(t, generate(t, testmodel.Options{Seed: 3}))
	bf16 := openSet(t, generate(t, testmodel.Options{Seed: 3, DType: testmodel.DTypeBFloat16}))
	for _, name := range f32.Names() {
		if dt := tensor(t, bf16, name).DType; dt != safetensors.BF16 {
			t.Fatalf("%s is %s", name, dt)
		}
		exact, rounded := floats(t, f32, name), floats(t, bf16, name)
		for i, x := range exact {
			lo, hi := bfloat16Neighbours(x)
			want := lo
			if hi-x < x-lo || (hi-x == x-lo && math.Float32bits(hi)&0x10000 == 0) {
				want = hi
			}
			if rounded[i] != want {
				t.Fatalf("%s[%d]: bfloat16 %v for float32 %v, want %v", name, i, rounded[i], x, want)
			}
		}
	}
}

// bfloat16Neighbours returns the bfloat16 values just below and above x
// (equal when x is one).
func bfloat16Neighbours(x float32) (lo, hi float32) {
	b := math.Float32bits(x)
	trunc := math.Float32frombits(b &^ 0xFFFF) // toward zero
	if trunc == x {
		return x, x
	}
	away := math.Float32frombits((b &^ 0xFFFF) + 0x10000)
	if x < 0 {
		return away, trunc
	}
	return trunc, away
}

// dirNames lists a directory's file names, sorted.
func dirNames(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return sorted(names)
}

// sorted returns a sorted copy.
func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// tokenizerWithoutModel reads tokenizer.json without model.vocab and
// model.merges.
func tokenizerWithoutModel(t testing.TB, dir string) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(readFile(t, dir, "tokenizer.json"), &doc); err != nil {
		t.Fatal(err)
	}
	model := doc["model"].(map[string]any)
	delete(model, "vocab")
	delete(model, "merges")
	return doc
}

// TestNoLeftovers checks that Generate leaves nothing but the checkpoint
// in the parent directory.
func TestNoLeftovers(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	dir := filepath.Join(parent, "m")
	for range 2 {
		if err := testmodel.Generate(dir, testmodel.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if got := dirNames(t, parent); !slices.Equal(got, []string{"m"}) {
		t.Errorf("parent holds %q, want only the checkpoint", got)
	}
}
