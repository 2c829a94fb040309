package goldenrun

import (
	"testing"

	"github.com/vlmask/vlmask/internal/run"
	"github.com/vlmask/vlmask/sdk"

	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/backend/onnx/qwen3vl"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/processor"
	"github.com/vlmask/vlmask/internal/golden"
)

// Runtime loads the ONNX Runtime, closed when the test ends, or skips the
// test when there is none.
func Runtime(t testing.TB) *ort.Runtime { return orttest.Runtime(t) }

// Case is a golden case loaded for a run.
type Case struct {
	Model *qwen3vl.Model
	Proc  *processor.Processor
	Input *processor.Result
}

// AnalyzerInput is the case's input as core.Analyzer takes it.
func (c Case) AnalyzerInput() core.Input {
	return run.AnalysisInput(c.Input)
}

// GeneratedToken is the token-table function core.Analyzer takes.
func (c Case) GeneratedToken(pos, id int) sdk.Token {
	return run.GeneratedTokens(c.Proc)(pos, id)
}

// Load loads c's checkpoint on rt (closed when the test ends) and
// processes the case's prompt and images as `vlmask run` does.
func Load(t testing.TB, rt *ort.Runtime, c golden.Case) Case {
	t.Helper()
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
	return Case{Model: m, Proc: proc, Input: in}
}
