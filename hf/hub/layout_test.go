package hub_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/hf/hub/hubtest"
)

// TestCacheLayout checks the tree a download leaves against the layout
// huggingface_hub documents (file_download.py's hf_hub_download docstring
// and the "Manage the cache" guide): models--ORG--NAME/{blobs,refs,
// snapshots}, blobs named by ETag, refs/main holding the commit without a
// newline, snapshot entries that are relative links ../../blobs/ETAG, and
// lock files under .locks/models--ORG--NAME/. Nothing else: no
// .incomplete or temporary file survives, and no CACHEDIR.TAG, which
// huggingface_hub writes since 2026 but whose earlier versions'
// scan_cache_dir reports as a corrupted repository.
func TestCacheLayout(t *testing.T) {
	h, commit := newHub(t)
	o := options(t, h)
	download(t, o)
	repo := "models--test-org--tiny-vl"
	want := []string{repo + "/refs/main = " + commit}
	for _, f := range wantFiles {
		etag := hubtest.ETag(f, readFile(t, f))
		want = append(want,
			".locks/"+repo+"/"+etag+".lock",
			repo+"/blobs/"+etag,
			repo+"/snapshots/"+commit+"/"+f+" -> ../../blobs/"+etag)
	}
	slices.Sort(want)
	var got []string
	err := filepath.WalkDir(o.CacheDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(o.CacheDir, path)
		rel = filepath.ToSlash(rel)
		switch {
		case d.Type()&os.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			rel += " -> " + target
		case strings.Contains(rel, "/refs/"):
			b, _ := os.ReadFile(path)
			rel += " = " + string(b)
		}
		got = append(got, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("cache tree:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	pythonAccepts(t, o.CacheDir, modelID, commit, wantFiles)
}

// pythonAccepts loads the model from the cache with huggingface_hub
// itself, offline, when it is installed: snapshot_download and
// hf_hub_download with local_files_only=True must find every file at the
// commit, and scan_cache_dir must read the repository with its ref and no
// warning. Debian 12 does not package huggingface_hub and tests reach no
// other registry, so where it is missing the check above is the proof.
func pythonAccepts(t *testing.T, cache, id, commit string, files []string) {
	t.Helper()
	if exec.Command("python3", "-c", "import huggingface_hub").Run() != nil {
		t.Log("huggingface_hub is not installed: the layout was checked against its documentation only")
		return
	}
	const script = `
import os, sys
import huggingface_hub
from huggingface_hub import snapshot_download, hf_hub_download, scan_cache_dir
repo, commit, files = sys.argv[1], sys.argv[2], sys.argv[3:]
path = snapshot_download(repo, local_files_only=True)
assert os.path.basename(path) == commit, path
for f in files:
    p = hf_hub_download(repo, f, local_files_only=True)
    assert p == os.path.join(path, f), p
info = scan_cache_dir()
assert not info.warnings, info.warnings
[r] = [r for r in info.repos if r.repo_id == repo]
[rev] = list(r.revisions)
assert rev.commit_hash == commit and rev.refs == frozenset({"main"}), (rev.commit_hash, rev.refs)
print("huggingface_hub", huggingface_hub.__version__, "accepts the cache")
`
	cmd := exec.Command("python3", append([]string{"-c", script, id, commit}, files...)...)
	cmd.Env = append(os.Environ(), "HF_HUB_CACHE="+cache, "HF_HUB_OFFLINE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("huggingface_hub does not accept the cache: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(string(out)))
}

// TestPythonWritesVlmaskReads is the other direction, where huggingface_hub
// is installed: a model it downloads from the fake Hub (hf_hub_download
// for each file) is found by vlmask offline, and online without a single
// file downloaded again.
func TestPythonWritesVlmaskReads(t *testing.T) {
	if exec.Command("python3", "-c", "import huggingface_hub").Run() != nil {
		t.Skip("huggingface_hub is not installed (Debian 12 does not package it)")
	}
	h, commit := newHub(t)
	o := options(t, h)
	const script = `
import sys
from huggingface_hub import hf_hub_download
for f in sys.argv[2:]:
    hf_hub_download(sys.argv[1], f)
`
	cmd := exec.Command("python3", append([]string{"-c", script, modelID}, wantFiles...)...)
	cmd.Env = append(os.Environ(), "HF_HUB_CACHE="+o.CacheDir, "HF_ENDPOINT="+h.URL, "HF_HUB_DISABLE_XET=1", "HF_HUB_OFFLINE=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("huggingface_hub could not download from the fake Hub: %v\n%s", err, out)
	}
	before := len(h.Requests())
	o.Offline = true
	if dir := download(t, o); filepath.Base(dir) != commit {
		t.Errorf("offline: %s", dir)
	}
	o.Offline = false
	sameFiles(t, download(t, o))
	if n := len(h.Requests()) - before; n != 1 {
		t.Errorf("vlmask made %d requests for a model huggingface_hub had downloaded, want 1 (the revision)", n)
	}
}
