package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/golden"
)

// TestErrorClasses runs the binary for each class of error and checks the
// exit code and that the one-line message names what it concerns.
func TestErrorClasses(t *testing.T) {
	needRuntime(t)
	c := golden.Cases(t, "qwen3_vl_basic")[0]
	model := c.Checkpoint()
	dir := t.TempDir()
	notImage := filepath.Join(dir, "notes.png")
	if err := os.WriteFile(notImage, []byte("not a picture"), 0o644); err != nil {
		t.Fatal(err)
	}
	corrupt := filepath.Join(dir, "corrupt-model")
	if err := os.MkdirAll(corrupt, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(model)
	for _, e := range entries {
		copyFile(t, filepath.Join(model, e.Name()), filepath.Join(corrupt, e.Name()))
	}
	weights := filepath.Join(corrupt, "model.safetensors")
	b, _ := os.ReadFile(weights)
	if err := os.WriteFile(weights, b[:len(b)/2], 0o644); err != nil { // truncated
		t.Fatal(err)
	}
	blocked := filepath.Join(dir, "file")
	if err := os.WriteFile(blocked, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	escape := filepath.Join(dir, "escape.yaml")
	if err := os.WriteFile(escape, []byte("model: {path: "+model+"}\nprompts: [{name: ../escape, prompt: Hi}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	blank := filepath.Join(dir, "blank.txt")
	if err := os.WriteFile(blank, []byte("\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(extra ...string) []string {
		return append([]string{"run", "--model", model, "--prompt", "Hi"}, extra...)
	}
	tests := map[string]struct {
		args []string
		env  []string
		code int
		says []string
	}{
		"unknown flag":                     {args: []string{"run", "--frobnicate"}, code: ExitUsage, says: []string{"frobnicate"}},
		"unknown command":                  {args: []string{"analyse"}, code: ExitUsage, says: []string{"analyse"}},
		"testmodel without out":            {args: []string{"testmodel"}, code: ExitUsage, says: []string{"--out"}},
		"inputs without model":             {args: []string{"inputs", "--prompt", "x"}, code: ExitUsage, says: []string{"--model"}},
		"no model":                         {args: []string{"run", "--prompt", "x"}, code: ExitUsage, says: []string{"--model"}},
		"zero tokens":                      {args: run("--num-tokens", "0"), code: ExitUsage, says: []string{"--num-tokens"}},
		"window without effect":            {args: run("--window", "3"), code: ExitUsage, says: []string{"--window", "--effect"}},
		"zero window":                      {args: run("--effect", "--window", "1,0"), code: ExitUsage, says: []string{"--window 0"}},
		"bad mask mode":                    {args: run("--mask-mode", "nouns"), code: ExitUsage, says: []string{"--mask-mode", "nouns"}},
		"bad device":                       {args: run("--device", "tpu"), code: ExitUsage, says: []string{"--device", "tpu"}},
		"bad format":                       {args: run("--format", "xlsx"), code: ExitUsage, says: []string{"--format", "xlsx"}},
		"missing model":                    {args: []string{"run", "--model", filepath.Join(dir, "nowhere"), "--prompt", "x"}, code: ExitInput, says: []string{"nowhere", "config.json"}},
		"not an image":                     {args: run("--image", notImage), code: ExitInput, says: []string{"notes.png"}},
		"empty prompt":                     {args: []string{"run", "--model", model, "--prompt", ""}, code: ExitInput, says: []string{"--prompt is empty"}},
		"empty prompt, generate":           {args: []string{"generate", "--model", model, "--prompt", " "}, code: ExitInput, says: []string{"--prompt is empty"}},
		"blank prompt file":                {args: []string{"inputs", "--model", model, "--prompt", blank}, code: ExitInput, says: []string{"blank.txt", "empty"}},
		"missing prompt file":              {args: []string{"run", "--model", model, "--prompt", filepath.Join(dir, "gone.txt")}, code: ExitInput, says: []string{"gone.txt"}},
		"truncated weights":                {args: []string{"run", "--model", corrupt, "--prompt", "x", "--device", "cpu"}, code: ExitInput, says: []string{"model.safetensors"}},
		"unknown plugin":                   {args: run("--plugin", "no-such-plugin"), code: ExitPlugin, says: []string{"no-such-plugin"}},
		"no onnx runtime":                  {args: run(), env: []string{"VLMASK_ORT_LIB=" + filepath.Join(dir, "libonnxruntime.so.1")}, code: ExitRuntime, says: []string{"libonnxruntime.so.1", "make ort"}},
		"unwritable output":                {args: run("--output", filepath.Join(blocked, "out")), code: ExitOutput, says: []string{"file"}},
		"cuda without cuda":                {args: run("--device", "cuda"), code: ExitRuntime, says: []string{"--device cuda", "CUDA"}},
		"bad plugin config":                {args: run("--plugin-config", "metrics"), code: ExitUsage, says: []string{"--plugin-config"}},
		"batch name leaves the output dir": {args: []string{"run", "--config", escape, "--output", "out"}, code: ExitInput, says: []string{"escape.yaml", "../escape", "path separator"}},
		"config of a plugin not loaded":    {args: run("--plugin-config", `nope={"k": 1}`), code: ExitUsage, says: []string{"--plugin-config nope", "--plugin nope"}},
		"report of a non-file":             {args: []string{"report", notImage}, code: ExitInput, says: []string{"notes.png"}},
		"bad log level":                    {args: []string{"--log-level", "loud", "version"}, code: ExitUsage, says: []string{"loud"}},
		"testmodel bad preset":             {args: []string{"testmodel", "--preset", "huge", "--out", filepath.Join(dir, "tm")}, code: ExitUsage, says: []string{"huge"}},
		"describe unknown name":            {args: []string{"plugins", "describe", "nope"}, code: ExitUsage, says: []string{"nope", "metrics"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res := vlmask(t, t.TempDir(), tc.env, tc.args...)
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d\nstderr: %s", res.code, tc.code, res.stderr)
			}
			line := strings.TrimSpace(res.stderr)
			if strings.Count(line, "\n") > 0 && tc.code != ExitUsage {
				t.Errorf("error is not one line:\n%s", res.stderr)
			}
			for _, s := range tc.says {
				if !strings.Contains(res.stderr, s) {
					t.Errorf("stderr %q does not mention %q", res.stderr, s)
				}
			}
		})
	}
}

// TestVersionAndInputsWithoutRuntime: commands that need no ONNX Runtime
// work without it, and version says where it looked.
func TestVersionAndInputsWithoutRuntime(t *testing.T) {
	c := golden.Cases(t, "qwen3_vl_basic")[0]
	env := []string{"VLMASK_ORT_LIB=/nonexistent/libonnxruntime.so.1"}
	res := vlmask(t, t.TempDir(), env, "version")
	if res.code != 0 || !strings.Contains(res.stdout, "not available") || !strings.Contains(res.stdout, "make ort") {
		t.Errorf("version without the runtime: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = vlmask(t, t.TempDir(), env, "inputs", "--model", c.Checkpoint(), "--image", c.ImagePaths()[0], "--prompt", c.Input("prompt.txt"), "--json")
	if res.code != 0 || !strings.Contains(res.stdout, `"input_ids"`) {
		t.Errorf("inputs without the runtime: exit %d\n%s", res.code, res.stderr)
	}
}

// TestPluginCrashKeepsFinishedSteps: a masking plugin that dies at step 1
// stops the run with a plugin error naming it; the rows of step 0 stay in
// a readable file marked incomplete.
func TestPluginCrashKeepsFinishedSteps(t *testing.T) {
	needRuntime(t)
	c := golden.Cases(t, "qwen3_vl_textonly")[0]
	plugins := t.TempDir()
	installFixture(t, plugins, "crash-at-step-1")
	dir := t.TempDir()
	res := vlmask(t, dir, nil, "run", "--model", c.Checkpoint(), "--prompt", c.Input("prompt.txt"), "--num-tokens", "3",
		"--plugin-dir", plugins, "--plugin", "crash-at-step-1", "--device", "cpu", "--output", "crashed")
	if res.code != ExitPlugin {
		t.Fatalf("exit %d, want %d\n%s", res.code, ExitPlugin, res.stderr)
	}
	if !strings.Contains(res.stderr, "crash-at-step-1") {
		t.Errorf("the error does not name the plugin: %s", res.stderr)
	}
	rows, meta, err := results.Read(filepath.Join(dir, "output", "crashed.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if meta.Complete || meta.StepsFinished != 1 {
		t.Errorf("complete %v, %d steps finished; want incomplete after 1", meta.Complete, meta.StepsFinished)
	}
	// The metadata names the code that ran: the plugin's path and sha256.
	fixture := filepath.Join(plugins, "vlmask-plugin-crash-at-step-1")
	sum := sha256.Sum256(mustReadFile(t, fixture))
	var origins []struct{ Name, Source, Path, SHA256 string }
	if err := json.Unmarshal([]byte(meta.Metadata["vlmask.plugin_origins"]), &origins); err != nil {
		t.Fatalf("vlmask.plugin_origins: %v", err)
	}
	found := false
	for _, o := range origins {
		if o.Name == "crash-at-step-1" {
			found = o.Source == "dir" && o.Path == fixture && o.SHA256 == hex.EncodeToString(sum[:])
		}
	}
	if !found {
		t.Errorf("vlmask.plugin_origins %v lacks the fixture's path %s and sha256", origins, fixture)
	}
	for _, r := range rows {
		if r.Step != 0 {
			t.Fatalf("a row of step %d survived", r.Step)
		}
	}
	if len(rows) == 0 {
		t.Error("the finished step's rows were lost")
	}
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDefaultPromptIsAnnounced: without --prompt the run takes
// ./prompt.txt or the default question, and says which at the default log
// level.
func TestDefaultPromptIsAnnounced(t *testing.T) {
	c := golden.Cases(t, "qwen3_vl_basic")[0]
	dir := t.TempDir()
	res := vlmask(t, dir, nil, "inputs", "--model", c.Checkpoint(), "--json")
	if res.code != 0 || !strings.Contains(res.stderr, "using the default question") || !strings.Contains(res.stderr, "What is the capital of France?") {
		t.Errorf("no --prompt: exit %d, stderr %q; want it to name the default question", res.code, res.stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "prompt.txt"), []byte("Describe the house."), 0o644); err != nil {
		t.Fatal(err)
	}
	res = vlmask(t, dir, nil, "inputs", "--model", c.Checkpoint(), "--json")
	if res.code != 0 || !strings.Contains(res.stderr, "using ./prompt.txt") || !strings.Contains(res.stdout, "Describe the house.") {
		t.Errorf("no --prompt, ./prompt.txt: exit %d, stderr %q; want it to say it read ./prompt.txt", res.code, res.stderr)
	}
	res = vlmask(t, dir, nil, "inputs", "--model", c.Checkpoint(), "--prompt", "Hi", "--json")
	if res.code != 0 || strings.Contains(res.stderr, "--prompt") {
		t.Errorf("--prompt Hi: exit %d, stderr %q; want no word about the prompt", res.code, res.stderr)
	}
}
