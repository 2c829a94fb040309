//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vlmask/vlmask/core/results"
)

// TestViewCraftedFiles: a results file is input like any other. A crafted
// one — a row far outside any grid, an image path that is a FIFO, the file
// itself a FIFO — makes view exit non-zero within a second with bounded
// memory, never allocate what a row asks for or block on a FIFO.
func TestViewCraftedFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "image.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	craft := func(name string, meta map[string]string, rows ...results.Row) string {
		t.Helper()
		w, err := results.Create(filepath.Join(dir, name), results.Options{Metadata: meta})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rows); err != nil {
			t.Fatal(err)
		}
		if err := w.SetProgress(1, true); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return w.Paths()[0]
	}
	cell := func(row, col int) results.Row {
		return results.Row{Variant: "Full", L2Distance: 1, Modality: results.ModalityImage, TokenMasked: "<|image_pad|>",
			ImageIndex: 0, PatchRow: row, PatchCol: col, GroupSize: 1, GroupLabel: "p"}
	}
	huge := craft("huge", nil, cell(200000, 0), cell(0, 200000))
	beyond := craft("beyond", map[string]string{results.MetaKeyImageGrids: "[[2, 2]]", results.MetaKeyNumLayers: "1"}, cell(5, 1))
	piped := craft("piped", map[string]string{"vlmask.images": fifo}, cell(0, 0), cell(1, 1))
	fifoResults := filepath.Join(dir, "fifo.parquet")
	if err := syscall.Mkfifo(fifoResults, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		file string
		says string
	}{
		"patch_row 200000":               {huge, "outside the bounds"},
		"cell outside the recorded grid": {beyond, "outside its 2x2 grid"},
		"image path is a FIFO":           {piped, "not a regular file"},
		"results file is a FIFO":         {fifoResults, "not a regular file"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "view", tc.file)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), envRunMain+"=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			start := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				_ = cmd.Process.Kill()
				<-done
				t.Fatalf("view still running after 5 s (blocked or allocating); stderr: %s", stderr.String())
			}
			elapsed := time.Since(start)
			code := cmd.ProcessState.ExitCode()
			if err == nil || code != ExitInput {
				t.Errorf("exit %d (%v), want %d; stderr: %s", code, err, ExitInput, stderr.String())
			}
			if elapsed > time.Second {
				t.Errorf("took %v, want under a second", elapsed)
			}
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > 200<<10 {
				t.Errorf("peak memory %d MiB, want under 200 MiB", ru.Maxrss>>10)
			}
			if !strings.Contains(stderr.String(), tc.says) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tc.says)
			}
		})
	}
}
