package core_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/internal/goldenrun"
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
	rt := goldenrun.Runtime(t)
	tests := map[string]struct{ stage string }{
		"qwen3_vl_basic": {stage: "stage encoding 1 image(s) into "},
		"qwen3_text":     {},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := golden.Cases(t, name)[0]
			run := goldenrun.Load(t, rt, c)
			log := &eventLog{}
			a := &core.Analyzer{Model: run.Model, Strategy: maskingboth.New(), Metrics: []sdk.Metric{metrics.New()},
				GeneratedToken: run.GeneratedToken, Rows: discardRows{}, Observer: log}
			const steps = 2
			if _, err := a.Run(context.Background(), run.AnalyzerInput(), core.Options{NumTokens: steps}); err != nil {
				t.Fatal(err)
			}
			var want []string
			for s := 0; s < steps; s++ {
				want = append(want, fmt.Sprintf("step %d/%d", s, steps))
				for l := 0; l < run.Model.Spec().NumLayers; l++ {
					want = append(want, fmt.Sprintf("layer %d/%d", l, run.Model.Spec().NumLayers))
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
