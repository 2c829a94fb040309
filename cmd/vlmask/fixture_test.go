package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

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
	case "interrupt-at":
		sdk.ServeMetric(&interruptAt{step: -1})
	case "slow":
		sdk.ServeMetric(slowMetric{})
	default:
		fmt.Fprintf(os.Stderr, "unknown fixture %q\n", name)
		os.Exit(2)
	}
}

// interruptAt is a metric that, when it scores the configured step and
// layer ({"at": "s/l"}; other keys are ignored), sends SIGINT to its host — as a user's
// Ctrl-C would, in the middle of a step: the step's earlier layers are
// already written. It scores every row 0 in column "seen".
type interruptAt struct {
	sdk.MetricBase
	step, layer int
}

func (*interruptAt) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: "interrupt-at", Version: "0.0.1", Kind: sdk.KindMetric,
		Columns: []string{"seen"}, Variants: []sdk.VariantClass{sdk.VariantFull}}, nil
}

func (m *interruptAt) Configure(_ context.Context, config json.RawMessage) error {
	if len(config) == 0 {
		return nil
	}
	var cfg struct{ At string }
	if err := json.Unmarshal(config, &cfg); err != nil {
		return fmt.Errorf("%v: %w", err, sdk.ErrInvalidConfig)
	}
	if _, err := fmt.Sscanf(cfg.At, "%d/%d", &m.step, &m.layer); err != nil {
		return fmt.Errorf("at %q: %v: %w", cfg.At, err, sdk.ErrInvalidConfig)
	}
	return nil
}

func (m *interruptAt) Score(_ context.Context, req sdk.ScoreRequest) (sdk.ScoreResponse, error) {
	if req.Step == m.step && req.Layer == m.layer {
		interruptParent()
	}
	return sdk.ScoreResponse{Columns: []sdk.Column{{Name: "seen", Values64: make([]float64, len(req.Batches)*len(req.Groups))}}}, nil
}

// slowMetric takes 10 ms per layer, so that a run lasts long enough — on
// any machine, however loaded — for a test to interrupt it at a random
// moment. It scores every row 0 in column "slow".
type slowMetric struct{ sdk.MetricBase }

func (slowMetric) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: "slow", Version: "0.0.1", Kind: sdk.KindMetric,
		Columns: []string{"slow"}, Variants: []sdk.VariantClass{sdk.VariantFull}}, nil
}

func (slowMetric) Score(_ context.Context, req sdk.ScoreRequest) (sdk.ScoreResponse, error) {
	time.Sleep(10 * time.Millisecond)
	return sdk.ScoreResponse{Columns: []sdk.Column{{Name: "slow", Values64: make([]float64, len(req.Batches)*len(req.Groups))}}}, nil
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
