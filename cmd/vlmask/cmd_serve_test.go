package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/viewer/viewertest"
)

// TestServeAndExport runs serve and export on a synthetic results file (no
// ONNX Runtime, no browser): serve prints a loopback URL and answers, export
// writes a page, and both refuse what they cannot use.
func TestServeAndExport(t *testing.T) {
	dir := t.TempDir()
	p, err := viewertest.Write(filepath.Join(dir, "r"), viewertest.Shape{Steps: 2, Layers: 2, Heads: 2, TextBefore: 2, Images: [][2]int{{2, 3}}})
	if err != nil {
		t.Fatal(err)
	}
	url := startServe(t, dir, p)
	resp, err := http.Get(url + "api/files")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"name":"r.parquet"`) {
		t.Errorf("GET api/files: %d %s", resp.StatusCode, body)
	}

	res := mustRun(t, dir, "export", "--json", "--html", "out.html", "--step", "1", "--variant", "Head_*", p)
	var out struct {
		Path  string
		Bytes int64
		Steps int
	}
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil || out.Path != "out.html" || out.Steps != 1 {
		t.Errorf("export --json: %v %s", err, res.stdout)
	}
	if st, err := os.Stat(filepath.Join(dir, "out.html")); err != nil || st.Size() != out.Bytes {
		t.Errorf("out.html: %v, %d bytes reported", err, out.Bytes)
	}

	csv := filepath.Join(dir, "r.csv")
	if err := os.WriteFile(csv, []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args []string
		code int
		says string
	}{
		"serve nothing":    {[]string{"serve"}, ExitUsage, "results files"},
		"serve CSV":        {[]string{"serve", csv}, ExitInput, "Parquet"},
		"serve bad addr":   {[]string{"serve", "--addr", "nowhere", p}, ExitUsage, "--addr"},
		"serve missing":    {[]string{"serve", filepath.Join(dir, "no.parquet")}, ExitInput, "no.parquet"},
		"export no html":   {[]string{"export", p}, ExitUsage, "html"},
		"export bad step":  {[]string{"export", "--html", "x.html", "--step", "7", p}, ExitUsage, "step 7"},
		"export bad value": {[]string{"export", "--html", "x.html", "--value", "nope", p}, ExitUsage, "nope"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := vlmask(t, dir, nil, tc.args...)
			if res.code != tc.code || !strings.Contains(res.stderr, tc.says) {
				t.Errorf("exit %d, want %d; stderr %q should say %q", res.code, tc.code, res.stderr, tc.says)
			}
		})
	}
}
