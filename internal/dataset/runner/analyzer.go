package runner

import (
	"context"
	"fmt"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/internal/batchconfig"
	"github.com/vlmask/vlmask/internal/run"
)

// Prompt is one row's input.
type Prompt struct {
	// Text is plain text or ChatML with <image> markers.
	Text               string
	Images             []string
	MaxImageResolution int
}

// Analyzer analyses rows with a loaded model. SessionAnalyzer is the real
// one.
type Analyzer interface {
	// Analyze writes the row's results to base (plus .parquet), as
	// run.Session.Analyze does: on an interruption or a failure after the
	// first step, an incomplete file is committed and named in the
	// summary's Paths.
	Analyze(ctx context.Context, p Prompt, name, base string, set run.Settings) (*run.Summary, error)
	// MaskingStrategy names the strategy set selects.
	MaskingStrategy(ctx context.Context, set run.Settings) (string, error)
}

var _ Analyzer = SessionAnalyzer{}

// SessionAnalyzer analyses rows with a run.Session: the prompt is parsed as
// the batch files' prompts are (plain text or ChatML, <image> markers),
// prepared and analysed.
type SessionAnalyzer struct {
	Session *run.Session
	// Observer, when set, gives each row's progress observer.
	Observer func(id string) core.Observer
}

// Analyze implements Analyzer.
func (a SessionAnalyzer) Analyze(ctx context.Context, p Prompt, name, base string, set run.Settings) (*run.Summary, error) {
	proc := a.Session.Processor()
	conv, err := batchconfig.ParsePrompt(p.Text, len(p.Images), proc.Config().Family.HasVision())
	if err != nil {
		return nil, &run.Error{Kind: run.KindInput, Err: fmt.Errorf("prompt: %w", err)}
	}
	in, err := run.Prepare(proc, run.Prompt{
		Name: name, Messages: conv.Messages, AssistantPrefix: conv.AssistantPrefix,
		Images: p.Images, MaxImageResolution: p.MaxImageResolution,
	})
	if err != nil {
		return nil, err
	}
	var obs core.Observer
	if a.Observer != nil {
		obs = a.Observer(name)
	}
	return a.Session.Analyze(ctx, in, name, base, set, obs)
}

// MaskingStrategy implements Analyzer.
func (a SessionAnalyzer) MaskingStrategy(ctx context.Context, set run.Settings) (string, error) {
	return a.Session.MaskingStrategy(ctx, set)
}
