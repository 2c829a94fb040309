package main

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// writePNG writes a w×h image: c, shaded by a diagonal gradient (so that
// a resize changes its pixels).
func writePNG(t *testing.T, path string, w, h int, c color.RGBA) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			shade := uint8((x*255/w + y*255/h) / 2)
			img.Set(x, y, color.RGBA{c.R ^ shade, c.G ^ shade, c.B ^ shade, 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// statusOf is a prompt's status in the batch summary table.
func statusOf(t *testing.T, table, prompt string) string {
	t.Helper()
	for _, line := range strings.Split(table, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == prompt {
			return f[1]
		}
	}
	t.Fatalf("no row for %s in\n%s", prompt, table)
	return ""
}

// TestResumeRedoesChangedPrompts: --resume skips a prompt only when its
// outputs are complete, in every format asked for, and were made from the
// same inputs; a changed prompt text, image or setting is redone, and so is
// a prompt whose outputs lack a format.
func TestResumeRedoesChangedPrompts(t *testing.T) {
	needRuntime(t)
	root := demoLayout(t)
	writePNG(t, filepath.Join(root, "photo.png"), 64, 48, color.RGBA{200, 40, 40, 255})
	batch := func(question string, steps string) {
		t.Helper()
		cfg := `model: {path: build/demo-model}
prompts:
  - {name: text, prompt: "` + question + `"}
  - {name: photo, prompt: "<image>What is this?", image_path: photo.png}
  - {name: same, prompt: "Hello"}
  - {name: steps, prompt: "Count", num_tokens: ` + steps + `}
`
		if err := os.WriteFile(filepath.Join(root, "batch.yaml"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(extra ...string) string {
		t.Helper()
		return mustRun(t, root, append([]string{"run", "--config", "batch.yaml", "--device", "cpu", "--resume"}, extra...)...).stdout
	}
	batch("Hi", "1")
	run()
	if out := run(); strings.Count(out, "skipped (complete)") != 4 {
		t.Fatalf("an unchanged batch was not skipped:\n%s", out)
	}

	batch("Hi there", "2")
	writePNG(t, filepath.Join(root, "photo.png"), 64, 48, color.RGBA{40, 40, 200, 255})
	out := run()
	for prompt, want := range map[string]string{"text": "redone", "photo": "redone", "same": "skipped", "steps": "redone"} {
		if got := statusOf(t, out, prompt); got != want {
			t.Errorf("after changing text, photo and steps: %s is %s, want %s\n%s", prompt, got, want, out)
		}
	}
	meta, err := results.ReadMeta(filepath.Join(root, "output", "text.parquet"))
	if err != nil || !strings.Contains(meta.Metadata[results.MetaKeyPromptRendered], "Hi there") {
		t.Errorf("text.parquet was not rewritten from the new prompt: %v %q", err, meta.Metadata[results.MetaKeyPromptRendered])
	}
	if meta, err := results.ReadMeta(filepath.Join(root, "output", "steps.parquet")); err != nil || meta.StepsPlanned != 2 {
		t.Errorf("steps.parquet: %d steps planned, %v; want the new 2", meta.StepsPlanned, err)
	}

	// A format the outputs lack is written: every prompt is redone once.
	out = run("--format", "parquet,csv")
	if n := strings.Count(out, "redone"); n != 4 {
		t.Errorf("--format parquet,csv redid %d prompts, want 4\n%s", n, out)
	}
	for _, name := range []string{"text", "photo", "same", "steps"} {
		if complete, err := results.Complete(filepath.Join(root, "output", name+".csv")); err != nil || !complete {
			t.Errorf("%s.csv: complete %v, %v", name, complete, err)
		}
	}
	if out := run("--format", "parquet,csv"); strings.Count(out, "skipped (complete)") != 4 {
		t.Errorf("the batch with both formats written was not skipped:\n%s", out)
	}
	// An override that changes only the images' pixels redoes only the
	// prompt with an image.
	out = run("--format", "parquet,csv", "--max-image-resolution", "32")
	if statusOf(t, out, "photo") != "redone" || statusOf(t, out, "text") != "skipped" {
		t.Errorf("--max-image-resolution 32: want only photo redone\n%s", out)
	}
}
