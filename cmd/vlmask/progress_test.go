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

func TestProgressPhases(t *testing.T) {
	tests := map[string]struct {
		what        string
		done, total int
		want        []string
		notWant     []string
	}{
		"counted, started":     {what: "loading model", done: 3, total: 9, want: []string{"loading model · 3/9", "left"}},
		"counted, not started": {what: "loading model", done: 0, total: 9, want: []string{"loading model · 0/9"}, notWant: []string{"left"}},
		"uncounted":            {what: "encoding 1 image(s) into 64 tokens", want: []string{"cat: encoding 1 image(s) into 64 tokens"}, notWant: []string{"/", "left"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			newProgress(&buf, "cat").phase(tc.what, tc.done, tc.total)
			out := buf.String()
			if !strings.HasPrefix(out, "\r\033[K") || strings.Contains(out, "\n") {
				t.Errorf("phase line %q does not redraw one line", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("phase line %q lacks %q", out, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out, w) {
					t.Errorf("phase line %q has %q", out, w)
				}
			}
		})
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
