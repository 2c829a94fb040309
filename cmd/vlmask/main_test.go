package main

import (
	"bytes"
	"os"
	"os/exec"
	"testing"

	"github.com/vlmask/vlmask/core/pluginhost"
)

// envRunMain makes the test binary act as vlmask: tests re-execute it with
// this variable set, so every command runs as a real process, built-in
// plugins included (the plugin host starts the same binary with
// `serve-plugin`, and the child inherits the variable).
const envRunMain = "VLMASK_TEST_RUN_MAIN"

// envFixture makes the test binary serve a fixture plugin (see
// fixturePlugin) instead of running tests.
const envFixture = "VLMASK_TEST_FIXTURE"

func TestMain(m *testing.M) {
	if name := os.Getenv(envFixture); name != "" {
		serveFixture(name)
		return
	}
	// Built-in plugins run as `<this binary> serve-plugin NAME`, in the
	// minimal environment plugins get, which does not carry envRunMain.
	if os.Getenv(envRunMain) == "1" || len(os.Args) > 1 && os.Args[1] == pluginhost.ServePluginCommand {
		os.Exit(runMain(os.Args, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// cliResult is one vlmask invocation's outcome.
type cliResult struct {
	code           int
	stdout, stderr string
}

// vlmask runs the CLI as a separate process in dir with args.
func vlmask(t *testing.T, dir string, env []string, args ...string) cliResult {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), envRunMain+"=1"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	res := cliResult{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run vlmask %v: %v", args, err)
	}
	return res
}

// mustRun runs vlmask and fails the test unless it exits 0.
func mustRun(t *testing.T, dir string, args ...string) cliResult {
	t.Helper()
	res := vlmask(t, dir, nil, args...)
	if res.code != 0 {
		t.Fatalf("vlmask %v: exit %d\nstderr: %s\nstdout: %s", args, res.code, res.stderr, res.stdout)
	}
	return res
}
