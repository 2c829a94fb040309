package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEExamples runs the README's example commands, as written, in a
// directory laid out as after `make demo`, so the README stays true.
func TestREADMEExamples(t *testing.T) {
	needRuntime(t)
	b, err := os.ReadFile(repoFile("README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const marker = "Examples (the tiny model from `make demo` lives in `build/demo-model`):"
	_, rest, ok := strings.Cut(string(b), marker)
	if !ok {
		t.Fatalf("README.md lost its examples block (%q)", marker)
	}
	_, rest, _ = strings.Cut(rest, "```sh\n")
	block, _, _ := strings.Cut(rest, "```")
	root := demoLayout(t)
	cmds := 0
	for _, line := range strings.Split(strings.ReplaceAll(block, "\\\n", " "), "\n") {
		args := shellSplit(t, line)
		if len(args) == 0 {
			continue
		}
		if args[0] != "vlmask" {
			t.Fatalf("example %q does not start with vlmask", line)
		}
		if args[1] == "run" || args[1] == "generate" {
			args = append(args, "--device", "cpu")
		}
		mustRun(t, root, args[1:]...)
		cmds++
	}
	if cmds < 8 {
		t.Errorf("only %d example commands found", cmds)
	}
}

// shellSplit splits a command line on spaces, honouring double and single
// quotes (enough for the README's examples).
func shellSplit(t *testing.T, line string) []string {
	t.Helper()
	var args []string
	var cur strings.Builder
	inArg := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inArg = r, true
		case r == ' ' || r == '\t':
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	if quote != 0 {
		t.Fatalf("unbalanced quote in %q", line)
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args
}
