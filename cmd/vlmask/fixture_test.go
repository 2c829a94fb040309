package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/vlmask/vlmask/sdk"
)

// crashAtStep masks every text token, and kills its own process when asked
// for step 1: a plugin that dies in the middle of a run.
type crashAtStep struct{ sdk.MaskingBase }

func (crashAtStep) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: "crash-at-step-1", Version: "0.0.1", Kind: sdk.KindMasking}, nil
}

func (crashAtStep) Mask(_ context.Context, req sdk.MaskRequest) (sdk.MaskResponse, error) {
	if req.Sequence.Step == 1 {
		os.Exit(3)
	}
	var resp sdk.MaskResponse
	for _, tok := range req.Sequence.Tokens {
		if tok.Modality == sdk.Text {
			resp.Groups = append(resp.Groups, sdk.Group{Label: tok.Text, Positions: []int{tok.Position}})
		}
	}
	return resp, nil
}

func serveFixture(name string) {
	switch name {
	case "crash-at-step-1":
		sdk.ServeMasking(crashAtStep{})
	default:
		fmt.Fprintf(os.Stderr, "unknown fixture %q\n", name)
		os.Exit(2)
	}
}

// installFixture puts an executable vlmask-plugin-<name> in dir that runs
// this test binary as the fixture plugin.
func installFixture(t *testing.T, dir, name string) {
	t.Helper()
	script := fmt.Sprintf("#!/bin/sh\n%s=%s exec %q \"$@\"\n", envFixture, name, os.Args[0])
	if err := os.WriteFile(filepath.Join(dir, "vlmask-plugin-"+name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}
