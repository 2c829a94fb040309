package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, "cat")
	p.step(0, 2, 43)
	p.layer(0, 4)
	p.layer(3, 4) // the last layer of a step always draws
	p.stop()
	out := buf.String()
	for _, want := range []string{"cat: step 1/2", "layer 4/4", "43 tokens", "left", "\r\033[K"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress output %q lacks %q", out, want)
		}
	}
	if strings.Contains(out, "\n") {
		t.Errorf("progress wrote a newline: %q", out)
	}
}

// TestProgressOffWhenNotATerminal: tests' stderr is a pipe, so a run
// prints no progress there.
func TestProgressOffWhenNotATerminal(t *testing.T) {
	needRuntime(t)
	dir := t.TempDir()
	mustRun(t, dir, "testmodel", "--out", "model")
	res := mustRun(t, dir, "run", "--model", "model", "--prompt", "Hi", "--device", "cpu")
	if strings.Contains(res.stderr, "\r") || strings.Contains(res.stderr, "left") {
		t.Errorf("progress on a non-terminal stderr: %q", res.stderr)
	}
}
