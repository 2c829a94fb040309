package core_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/qwen3vl"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/processor"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/golden"
	maskingboth "github.com/vlmask/vlmask/plugins/masking-both"
	"github.com/vlmask/vlmask/plugins/metrics"
	"github.com/vlmask/vlmask/sdk"
)

// discardRows drops the rows.
type discardRows struct{}

func (discardRows) Write([]results.Row) error { return nil }

// eventLog records what an Observer hears, in order.
type eventLog struct{ events []string }

func (l *eventLog) Stage(what string) { l.events = append(l.events, "stage "+what) }
func (l *eventLog) StepStarted(step, numSteps, seqLen int) {
	l.events = append(l.events, fmt.Sprintf("step %d/%d", step, numSteps))
}
func (l *eventLog) LayerDone(step, layer, numLayers int) {
	l.events = append(l.events, fmt.Sprintf("layer %d/%d", layer, numLayers))
}

// TestObserverHearsStagesStepsAndLayers: image encoding is announced as a
// stage before the first step (and only when there is an image), then every
// step and every layer in order.
func TestObserverHearsStagesStepsAndLayers(t *testing.T) {
	path, _, err := ort.FindLibrary("")
	if err != nil {
		t.Skipf("ONNX Runtime not found (run `make ort`): %v", err)
	}
	rt, err := ort.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	tests := map[string]struct{ stage string }{
		"qwen3_vl_basic": {stage: "stage encoding 1 image(s) into "},
		"qwen3_text":     {},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := golden.Cases(t, name)[0]
			m, err := qwen3vl.Load(rt, c.Checkpoint(), qwen3vl.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { m.Close() })
			proc, err := processor.Load(c.Checkpoint(), m.Config())
			if err != nil {
				t.Fatal(err)
			}
			in, err := proc.Process(processor.Request{Messages: proc.UserPrompt(c.Prompt(t), len(c.ImagePaths())), Images: c.ImagePaths()})
			if err != nil {
				t.Fatal(err)
			}
			log := &eventLog{}
			a := &core.Analyzer{Model: m, Strategy: maskingboth.New(), Metrics: []sdk.Metric{metrics.New()},
				GeneratedToken: proc.GeneratedToken, Rows: discardRows{}, Observer: log}
			const steps = 2
			if _, err := a.Run(context.Background(), core.Input{Prompt: in.Prompt, Tokens: in.Tokens, Images: in.Images},
				core.Options{NumTokens: steps}); err != nil {
				t.Fatal(err)
			}
			var want []string
			for s := 0; s < steps; s++ {
				want = append(want, fmt.Sprintf("step %d/%d", s, steps))
				for l := 0; l < m.Spec().NumLayers; l++ {
					want = append(want, fmt.Sprintf("layer %d/%d", l, m.Spec().NumLayers))
				}
			}
			got := log.events
			if tc.stage != "" {
				if len(got) == 0 || !strings.HasPrefix(got[0], tc.stage) {
					t.Fatalf("first event %q, want a stage starting %q", got, tc.stage)
				}
				got = got[1:]
			}
			if !slices.Equal(got, want) {
				t.Errorf("events\n%q\nwant\n%q", got, want)
			}
		})
	}
}
