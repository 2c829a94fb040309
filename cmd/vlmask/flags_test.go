package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/vlmask/vlmask/core/results"
)

// TestSliceFlagsKeepCommas: a repeated flag's value is never split at
// commas — an image path holding one is one image, a plugin configuration
// with two keys is one JSON object — and the image's path is recorded as a
// JSON array that view reads back.
func TestSliceFlagsKeepCommas(t *testing.T) {
	needRuntime(t)
	root := demoLayout(t)
	image := filepath.Join(root, "pictures, 2024", "house,front.png")
	copyFile(t, filepath.Join(root, "examples", "images", "house.png"), image)
	plugins := t.TempDir()
	installFixture(t, plugins, "interrupt-at")
	mustRun(t, root, "run", "--model", "build/demo-model", "--image", image, "--prompt", "What is this?",
		"--plugin-dir", plugins, "--plugin", "interrupt-at", "--plugin-config", `interrupt-at={"at": "99/0", "note": "never, at all"}`,
		"--mask-mode", "vision", "--output", "commas", "--device", "cpu")
	out := filepath.Join(root, "output", "commas.parquet")
	meta, err := results.ReadMeta(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := meta.Metadata[results.MetaKeyImages]; got != results.ImagesValue([]string{image}) {
		t.Errorf("%s = %s, want the one path as a JSON array", results.MetaKeyImages, got)
	}
	if got, err := meta.Images(); err != nil || !reflect.DeepEqual(got, []string{image}) {
		t.Errorf("Images() = %q, %v", got, err)
	}
	if !strings.Contains(meta.Metadata[results.MetaKeyPlugins], "interrupt-at@") {
		t.Errorf("the configured plugin did not run: %s", meta.Metadata[results.MetaKeyPlugins])
	}
	mustRun(t, root, "view", "--out", filepath.Join(root, "commas.png"), out)
	if _, err := os.Stat(filepath.Join(root, "commas.png")); err != nil {
		t.Errorf("view found no image to draw on: %v", err)
	}
}

// TestListFlag: lists of names split at commas, from the flag or, when it
// is not given, from the environment.
func TestListFlag(t *testing.T) {
	t.Setenv("VLMASK_TEST_LIST", "env-a, env-b")
	tests := map[string]struct {
		args []string
		want []string
	}{
		"repeated":            {args: []string{"--x", "a", "--x", "b"}, want: []string{"a", "b"}},
		"comma-separated":     {args: []string{"--x", "a,b", "--x", " c "}, want: []string{"a", "b", "c"}},
		"from the variable":   {want: []string{"env-a", "env-b"}},
		"the flag wins":       {args: []string{"--x", "a"}, want: []string{"a"}},
		"empty items ignored": {args: []string{"--x", "a,,b,"}, want: []string{"a", "b"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var got []string
			app := &cli.App{
				Flags:                     []cli.Flag{&cli.StringSliceFlag{Name: "x"}},
				DisableSliceFlagSeparator: true,
				Action: func(c *cli.Context) error {
					got = listFlag(c, "x", "VLMASK_TEST_LIST")
					return nil
				},
			}
			if err := app.Run(append([]string{"vlmask"}, tc.args...)); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("listFlag = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestGlobalFlagsAfterTheCommand: --verbose, --log-level and --quiet work
// after the command's name as before it; the one after it wins.
func TestGlobalFlagsAfterTheCommand(t *testing.T) {
	needRuntime(t)
	root := demoLayout(t)
	run := []string{"run", "--model", "build/demo-model", "--prompt", "Hi", "--device", "cpu"}
	tests := map[string]struct {
		args    []string
		code    int
		logs    bool // info logs on stderr
		sayings []string
	}{
		"--verbose after run":           {args: append(run, "--output", "a", "--verbose"), logs: true},
		"--log-level after run":         {args: append(run, "--output", "b", "--log-level", "info"), logs: true},
		"the later --log-level wins":    {args: append(append([]string{"--log-level", "info"}, run...), "--output", "c", "--log-level", "error")},
		"--quiet after run":             {args: append(run, "--output", "d", "--quiet")},
		"-q after run":                  {args: append(run, "--output", "e", "-q")},
		"after a subcommand":            {args: []string{"plugins", "list", "--verbose"}},
		"a bad level after the command": {args: []string{"version", "--log-level", "loud"}, code: ExitUsage, sayings: []string{"loud"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res := vlmask(t, root, nil, tc.args...)
			if res.code != tc.code {
				t.Fatalf("vlmask %v: exit %d, want %d\n%s", tc.args, res.code, tc.code, res.stderr)
			}
			if got := strings.Contains(res.stderr, "model loaded"); got != tc.logs {
				t.Errorf("vlmask %v: info logs %v, want %v\n%s", tc.args, got, tc.logs, res.stderr)
			}
			for _, s := range tc.sayings {
				if !strings.Contains(res.stderr, s) {
					t.Errorf("stderr %q does not say %q", res.stderr, s)
				}
			}
		})
	}
}
