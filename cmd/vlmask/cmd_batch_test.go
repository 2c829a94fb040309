package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// repoFile is a path in the repository, from this package's directory.
func repoFile(parts ...string) string {
	return filepath.Join(append([]string{"..", ".."}, parts...)...)
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// demoLayout recreates, in a temporary directory, the part of the
// repository the example batch file refers to after `make demo`: the tiny
// model in build/demo-model and the demo image.
func demoLayout(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := testmodel.Generate(filepath.Join(root, "build", "demo-model"), testmodel.Options{Seed: 1}); err != nil {
		t.Fatal(err)
	}
	copyFile(t, repoFile("examples", "images", "house.png"), filepath.Join(root, "examples", "images", "house.png"))
	copyFile(t, repoFile("testdata", "prompts_config_vl.yaml"), filepath.Join(root, "testdata", "prompts_config_vl.yaml"))
	copyFile(t, repoFile("examples", "study", "study.jsonl"), filepath.Join(root, "examples", "study", "study.jsonl"))
	return root
}

// TestBatchConfigRunsUnchanged runs the original-format batch file as
// shipped, then again with --resume.
func TestBatchConfigRunsUnchanged(t *testing.T) {
	needRuntime(t)
	root := demoLayout(t)
	res := mustRun(t, root, "run", "--config", "testdata/prompts_config_vl.yaml", "--device", "cpu")
	want := map[string]struct {
		steps    int
		variants int // per group per layer
		modality string
	}{
		"house_describe":    {3, 6, ""},
		"house_roof_colour": {2, 6 + 5, "image"},
		"house_no_marker":   {2, 2, "text"},
		"text_capital":      {2, 6, "text"},
	}
	for name, w := range want {
		rows, meta, err := results.Read(filepath.Join(root, "output", name+".parquet"))
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, res.stdout)
		}
		if !meta.Complete || meta.StepsFinished != w.steps {
			t.Errorf("%s: complete %v after %d steps, want %d", name, meta.Complete, meta.StepsFinished, w.steps)
		}
		variants := map[string]bool{}
		for _, r := range rows {
			variants[r.Variant] = true
			if r.PromptName != name {
				t.Fatalf("%s: row prompt_name %q", name, r.PromptName)
			}
			if w.modality != "" && r.Modality != w.modality {
				t.Fatalf("%s: a %s row in %s mode", name, r.Modality, w.modality)
			}
		}
		if len(variants) != w.variants {
			t.Errorf("%s: %d variants %v, want %d", name, len(variants), variants, w.variants)
		}
		if name == "house_roof_colour" && !strings.Contains(meta.Metadata["vlmask.prompt_rendered"], "What colour is the roof?<|im_end|>") {
			t.Errorf("the question on the <|im_end|> line was lost: %q", meta.Metadata["vlmask.prompt_rendered"])
		}
		if name == "house_no_marker" && !strings.Contains(meta.Metadata["vlmask.prompt_rendered"], "<|vision_start|><|image_pad|><|vision_end|>Is there") {
			t.Errorf("the image without a marker was not placed first: %q", meta.Metadata["vlmask.prompt_rendered"])
		}
	}
	if _, err := os.Stat(filepath.Join(root, "output", "house_disabled.parquet")); err == nil {
		t.Error("a disabled prompt was run")
	}
	for name := range want {
		if !strings.Contains(res.stdout, name) {
			t.Errorf("summary table lacks %s:\n%s", name, res.stdout)
		}
	}
	// Without --resume or --force the complete outputs are not replaced.
	refused := vlmask(t, root, nil, "run", "--config", "testdata/prompts_config_vl.yaml", "--device", "cpu")
	if refused.code != ExitOutput || !strings.Contains(refused.stderr, "4 of 4 prompts") || !strings.Contains(refused.stderr, "--resume") ||
		!strings.Contains(refused.stderr, filepath.Join("output", "house_describe.parquet")) {
		t.Errorf("a second run over complete outputs: exit %d, want %d naming them and --resume\n%s", refused.code, ExitOutput, refused.stderr)
	}
	again := mustRun(t, root, "run", "--config", "testdata/prompts_config_vl.yaml", "--device", "cpu", "--resume")
	if strings.Count(again.stdout, "skipped (complete)") != len(want) {
		t.Errorf("--resume did not skip every complete prompt:\n%s", again.stdout)
	}
}

// TestBatchGoesOnAfterAFailure: a prompt whose image is missing is
// reported, the others still run, and the exit code says something failed.
func TestBatchGoesOnAfterAFailure(t *testing.T) {
	needRuntime(t)
	root := demoLayout(t)
	cfg := `model: {path: build/demo-model}
prompts:
  - {name: broken, prompt: "<image>What?", image_path: missing.png}
  - {name: fine, prompt: "Hello", num_tokens: 1}
`
	if err := os.WriteFile(filepath.Join(root, "batch.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	res := vlmask(t, root, nil, "run", "--config", "batch.yaml", "--device", "cpu")
	if res.code != ExitInput {
		t.Fatalf("exit %d, want %d (input)\n%s", res.code, ExitInput, res.stderr)
	}
	if !strings.Contains(res.stderr, "missing.png") {
		t.Errorf("stderr does not name the missing image: %s", res.stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "output", "fine.parquet")); err != nil {
		t.Errorf("the prompt after the failure did not run: %v", err)
	}
	if !strings.Contains(res.stdout, "failed") {
		t.Errorf("summary does not report the failure:\n%s", res.stdout)
	}
}

// TestBatchFlagsWinOverTheFile: analysis flags given on the command line
// override every prompt's values and the file's defaults. The file asks
// for 3 and 2 steps, mask modes all and vision and per-head rows; the
// command line's --mask-mode vision --num-tokens 1 --skip-per-head wins for
// every image prompt.
func TestBatchFlagsWinOverTheFile(t *testing.T) {
	needRuntime(t)
	root := demoLayout(t)
	mustRun(t, root, "run", "--config", "testdata/prompts_config_vl.yaml", "--device", "cpu",
		"--mask-mode", "vision", "--num-tokens", "1", "--skip-per-head")
	for _, name := range []string{"house_describe", "house_roof_colour", "house_no_marker"} {
		rows, meta, err := results.Read(filepath.Join(root, "output", name+".parquet"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if meta.StepsFinished != 1 || meta.Metadata[results.MetaKeyMaskMode] != "vision" {
			t.Errorf("%s: %d steps, mask mode %q; want the command line's 1 and vision", name, meta.StepsFinished, meta.Metadata[results.MetaKeyMaskMode])
		}
		for _, r := range rows {
			if r.Modality != "image" || strings.HasPrefix(r.Variant, "Head_") {
				t.Fatalf("%s: a %s %s row despite --mask-mode vision --skip-per-head", name, r.Modality, r.Variant)
			}
		}
	}
}
