package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vlmask/vlmask/hf/hub/hubtest"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// hubEnv is the environment of a vlmask process that uses the fake Hub at
// endpoint and a fresh cache, whatever the test runner's own Hugging Face
// variables say.
func hubEnv(t *testing.T, endpoint string) (env []string, cache string) {
	t.Helper()
	home := t.TempDir()
	cache = filepath.Join(home, "hub")
	return []string{
		"HOME=" + home, "HF_HOME=" + home, "HF_HUB_CACHE=" + cache, "HF_ENDPOINT=" + endpoint,
		"HF_TOKEN=", "HUGGING_FACE_HUB_TOKEN=", "HF_TOKEN_PATH=", "HF_HUB_OFFLINE=", "TRANSFORMERS_OFFLINE=",
		"VLMASK_OFFLINE=", "VLMASK_REVISION=", "VLMASK_MODEL=",
	}, cache
}

// tinyHub serves the tiny random-weight model as test-org/tiny-vl (main,
// and tag v1) and returns the hub, the model's directory and the commit.
func tinyHub(t *testing.T) (*hubtest.Hub, string, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tiny")
	if err := testmodel.Generate(dir, testmodel.Options{Seed: 1}); err != nil {
		t.Fatal(err)
	}
	h := hubtest.New(t)
	commit := h.CommitDir(t, "test-org/tiny-vl", "main", dir)
	h.Tag("test-org/tiny-vl", "v1", commit)
	return h, dir, commit
}

// TestModelsByID: `vlmask inputs --model ORG/NAME` downloads the model
// into the Hugging Face cache and feeds it exactly as the same checkpoint
// given as a directory; models list and download see it; offline mode
// then works with the Hub gone.
func TestModelsByID(t *testing.T) {
	h, dir, commit := tinyHub(t)
	env, cache := hubEnv(t, h.URL)
	work := t.TempDir()
	inputs := []string{"inputs", "--prompt", "What is the capital of France?", "--json"}
	byDir := vlmask(t, work, env, append(inputs, "--model", dir)...)
	byID := vlmask(t, work, env, append(inputs, "--model", "test-org/tiny-vl")...)
	if byID.code != 0 || byID.stdout != byDir.stdout || !strings.Contains(byID.stdout, `"input_ids"`) {
		t.Fatalf("inputs by id: exit %d\n%s\nstdout differs from by directory: %v", byID.code, byID.stderr, byID.stdout != byDir.stdout)
	}
	snapshot := filepath.Join(cache, "models--test-org--tiny-vl", "snapshots", commit)
	if _, err := os.Stat(filepath.Join(snapshot, "model.safetensors")); err != nil {
		t.Fatalf("the weights are not in the cache: %v", err)
	}

	res := vlmask(t, work, env, "models", "download", "test-org/tiny-vl", "--revision", "v1")
	if res.code != 0 || strings.TrimSpace(res.stdout) != snapshot {
		t.Errorf("models download: exit %d, stdout %q, want %s\n%s", res.code, res.stdout, snapshot, res.stderr)
	}
	res = vlmask(t, work, env, "models", "list")
	for _, want := range []string{"test-org/tiny-vl", "main,v1", commit[:12], "MB", "qwen3_vl", cache} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("models list lacks %q:\n%s", want, res.stdout)
		}
	}
	res = vlmask(t, work, env, "models", "list", "--json")
	var listed struct {
		Cache  string
		Models []struct {
			ID, Commit, Dir string
			ModelType       string `json:"model_type"`
			Refs            []string
			Size            int64 `json:"size_bytes"`
			Supported       bool
		}
	}
	if err := json.Unmarshal([]byte(res.stdout), &listed); err != nil || len(listed.Models) != 1 || listed.Cache != cache {
		t.Fatalf("models list --json: %v\n%s", err, res.stdout)
	}
	if m := listed.Models[0]; m.Commit != commit || !m.Supported || m.Size < 1_000_000 {
		t.Errorf("listed %+v", m)
	}

	gone := append(env, "HF_ENDPOINT=http://127.0.0.1:1")
	for _, extra := range [][]string{{"HF_HUB_OFFLINE=1"}, {"VLMASK_OFFLINE=1"}, {}} {
		res := vlmask(t, work, append(gone, extra...), append(inputs, "--model", "test-org/tiny-vl")...)
		if res.code != 0 || res.stdout != byDir.stdout {
			t.Errorf("inputs from the cache with the Hub gone (%v): exit %d\n%s", extra, res.code, res.stderr)
		}
	}
	res = vlmask(t, work, gone, append(inputs, "--model", "test-org/tiny-vl", "--offline", "--revision", "v2")...)
	if res.code != ExitOffline || !strings.Contains(res.stderr, "offline") {
		t.Errorf("offline miss: exit %d, want %d\n%s", res.code, ExitOffline, res.stderr)
	}
}

// TestModelsErrors: each way a Hub model cannot be had exits with its own
// code and a one-line message naming what to do.
func TestModelsErrors(t *testing.T) {
	h, dir, _ := tinyHub(t)
	files := map[string][]byte{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		files[e.Name()] = b
	}
	h.Commit("meta-test/gated", "main", files)
	h.Gate("meta-test/gated", "hf_ok")
	h.Commit("org/pickled", "main", map[string][]byte{"config.json": files["config.json"], "pytorch_model.bin": []byte("pickle")})
	bad := hubtest.New(t)
	bad.Commit("test-org/tiny-vl", "main", files)
	bad.Corrupt(files["model.safetensors"])
	tests := map[string]struct {
		args []string
		env  []string
		code int
		says []string
	}{
		"unknown model":    {args: []string{"models", "download", "org/nothing"}, code: ExitNotFound, says: []string{"org/nothing"}},
		"unknown --model":  {args: []string{"inputs", "--model", "org/nothing", "--prompt", "x"}, code: ExitNotFound, says: []string{"--model org/nothing is not a directory"}},
		"unknown revision": {args: []string{"models", "download", "test-org/tiny-vl", "--revision", "nope"}, code: ExitNotFound, says: []string{"nope"}},
		"gated":            {args: []string{"models", "download", "meta-test/gated"}, code: ExitAccess, says: []string{h.URL + "/meta-test/gated", "HF_TOKEN", "licence"}},
		"gated, bad token": {args: []string{"models", "download", "meta-test/gated"}, env: []string{"HF_TOKEN=hf_no"}, code: ExitAccess, says: []string{h.URL + "/meta-test/gated", "HF_TOKEN"}},
		"network down":     {args: []string{"models", "download", "test-org/tiny-vl"}, env: []string{"HF_ENDPOINT=http://127.0.0.1:1"}, code: ExitNetwork, says: []string{"127.0.0.1:1"}},
		"offline":          {args: []string{"models", "download", "test-org/tiny-vl"}, env: []string{"HF_HUB_OFFLINE=1"}, code: ExitOffline, says: []string{"offline"}},
		"checksum":         {args: []string{"models", "download", "test-org/tiny-vl"}, env: []string{"HF_ENDPOINT=" + bad.URL}, code: ExitChecksum, says: []string{"model.safetensors"}},
		"pickle only":      {args: []string{"models", "download", "org/pickled"}, code: ExitNoSafetensors, says: []string{"pickle", "arbitrary code"}},
		"not an id":        {args: []string{"models", "download", "just-a-name"}, code: ExitUsage, says: []string{"ORG/NAME"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env, _ := hubEnv(t, h.URL)
			res := vlmask(t, t.TempDir(), append(env, tc.env...), tc.args...)
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d\nstderr: %s", res.code, tc.code, res.stderr)
			}
			if strings.Count(strings.TrimSpace(res.stderr), "\n") > 0 {
				t.Errorf("error is not one line:\n%s", res.stderr)
			}
			for _, s := range tc.says {
				if !strings.Contains(res.stderr, s) {
					t.Errorf("stderr %q does not mention %q", res.stderr, s)
				}
			}
		})
	}
	t.Run("gated, good token", func(t *testing.T) {
		env, _ := hubEnv(t, h.URL)
		if res := vlmask(t, t.TempDir(), append(env, "HF_TOKEN=hf_ok"), "models", "download", "meta-test/gated"); res.code != 0 {
			t.Errorf("exit %d\n%s", res.code, res.stderr)
		}
	})
}

// TestModelsDiskFull: a cache on a full disk (a tiny tmpfs, mounted in a
// private mount namespace) exits with ExitDiskFull and leaves no snapshot.
func TestModelsDiskFull(t *testing.T) {
	if exec.Command("unshare", "-rm", "true").Run() != nil {
		t.Skip("unshare -rm (user and mount namespaces) is not available here")
	}
	h, _, _ := tinyHub(t)
	env, _ := hubEnv(t, h.URL)
	cache := t.TempDir()
	cmd := exec.Command("unshare", "-rm", "sh", "-c", `mount -t tmpfs -o size=256k tmpfs "$0" && exec "$@"`,
		cache, os.Args[0], "models", "download", "test-org/tiny-vl")
	cmd.Env = append(append(os.Environ(), envRunMain+"=1"), append(env, "HF_HUB_CACHE="+cache)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != ExitDiskFull {
		t.Fatalf("exit %v, want %d\n%s", err, ExitDiskFull, stderr.String())
	}
	t.Log(strings.TrimSpace(stderr.String()))
	if !strings.Contains(stderr.String(), "free") && !strings.Contains(stderr.String(), "no space left") {
		t.Errorf("the message does not say the disk is full: %s", stderr.String())
	}
}

// TestDownloadBar: bytes of the total, files, rate and time left on one
// line.
func TestDownloadBar(t *testing.T) {
	var buf bytes.Buffer
	b := newDownloadBar(&buf, "Qwen/Qwen3-VL-2B-Instruct")
	b.Start(3, 4_000_000_000, 1_000_000_000)
	b.start = b.start.Add(-10 * time.Second) // 10 s ago
	b.Add(500_000_000)
	b.FileDone("config.json")
	b.drawn = time.Time{}
	b.Add(0)
	b.Finish()
	out := buf.String()
	for _, want := range []string{"downloading Qwen/Qwen3-VL-2B-Instruct", "1.50 GB / 4.00 GB (37%)", "1/3 files", "50.0 MB/s", "50s left", "\r\033[K"} {
		if !strings.Contains(out, want) {
			t.Errorf("bar %q lacks %q", out, want)
		}
	}
	if strings.Contains(out, "\n") {
		t.Errorf("the bar wrote a newline: %q", out)
	}
}
