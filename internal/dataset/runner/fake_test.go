package runner_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/dataset/datasettest"
	"github.com/vlmask/vlmask/internal/dataset/runner"
	"github.com/vlmask/vlmask/internal/run"
)

// fake analyses rows without a model: it writes each row's synthetic part
// as run.Session.Analyze would, fails the rows named in fail, and stops
// (cancelling the run, leaving an incomplete part) at the row named in
// interruptAt.
type fake struct {
	t           testing.TB
	fail        map[string]error
	interruptAt string
	cancel      context.CancelFunc
	strategy    string

	mu       sync.Mutex
	analysed []string
}

var _ runner.Analyzer = (*fake)(nil)

func fakeSpec(id string, set run.Settings) datasettest.Spec {
	return datasettest.Spec{ID: id, NumLayers: 2, Steps: set.NumTokens, Text: []string{"a", "b", id},
		Grids: []results.Grid{{Rows: 2, Cols: 3}}, Metadata: set.Metadata}
}

func (f *fake) Analyze(ctx context.Context, p runner.Prompt, name, base string, set run.Settings) (*run.Summary, error) {
	f.mu.Lock()
	f.analysed = append(f.analysed, name)
	f.mu.Unlock()
	if err := f.fail[name]; err != nil {
		return nil, err
	}
	spec := fakeSpec(name, set)
	if name == f.interruptAt {
		f.cancel()
		spec.Incomplete = true
		path := datasettest.WritePart(f.t, base, spec)
		return &run.Summary{Name: name, Paths: []string{path}, Steps: 1}, fmt.Errorf("analysis: %w", context.Canceled)
	}
	path := datasettest.WritePart(f.t, base, spec)
	m, err := results.ReadMeta(path)
	if err != nil {
		return nil, err
	}
	return &run.Summary{Name: name, Paths: []string{path}, Rows: m.Rows, Steps: m.StepsFinished, Complete: true}, nil
}

func (f *fake) MaskingStrategy(context.Context, run.Settings) (string, error) {
	if f.strategy == "" {
		return "", errors.New("no strategy configured")
	}
	return f.strategy, nil
}

func (f *fake) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.analysed...)
}
