package goldenrun

import (
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/processor"
	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/internal/run"
	"github.com/vlmask/vlmask/sdk"
)

// Runtime loads the ONNX Runtime, closed when the test ends, or skips the
// test when there is none.
func Runtime(t testing.TB) *ort.Runtime { return orttest.Runtime(t) }

// Case is a golden case loaded for a run.
type Case struct {
	Session *run.Session
	Model   *decoder.Model
	Proc    *processor.Processor
	Input   *processor.Result
}

// AnalyzerInput is the case's input as core.Analyzer takes it.
func (c Case) AnalyzerInput() core.Input {
	return run.AnalysisInput(c.Input)
}

// GeneratedToken is the token-table function core.Analyzer takes.
func (c Case) GeneratedToken(pos, id int) sdk.Token {
	return run.GeneratedTokens(c.Proc)(pos, id)
}

// Load opens c's checkpoint on rt, on the CPU, as `vlmask run` does
// (closed when the test ends), and processes the case's prompt and images.
func Load(t testing.TB, rt *ort.Runtime, c golden.Case) Case {
	t.Helper()
	s, err := run.OpenWith(rt, ort.Device{Kind: ort.CPU}, run.Config{Model: c.Checkpoint()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	in, err := run.Prepare(s.Processor(), run.Prompt{Text: c.Prompt(t), Images: c.ImagePaths()})
	if err != nil {
		t.Fatal(err)
	}
	return Case{Session: s, Model: s.Model(), Proc: s.Processor(), Input: in}
}
