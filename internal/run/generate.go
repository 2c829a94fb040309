package run

import (
	"context"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/processor"
)

// Generation is greedy decoding's result.
type Generation struct {
	InputIDs      []int            `json:"input_ids"`
	GeneratedIDs  []int            `json:"generated_ids"`
	GeneratedText string           `json:"generated_text"`
	StoppedAtEOS  bool             `json:"stopped_at_eos"`
	Steps         []GenerationStep `json:"steps"`
}

// GenerationStep is one greedy step: the token chosen and the five most
// likely (softmax over the whole vocabulary).
type GenerationStep struct {
	ID   int         `json:"id"`
	Text string      `json:"text"`
	Top5 []Candidate `json:"top5"`
}

// Generate decodes up to n tokens greedily from a prepared prompt,
// stopping at the model's stop tokens. obs hears progress (nil: nothing).
func (s *Session) Generate(ctx context.Context, in *processor.Result, n int, obs core.Observer) (*Generation, error) {
	if n < 1 {
		return nil, usage("--num-tokens %d: must be at least 1", n)
	}
	if err := s.checkLength(in, n); err != nil {
		return nil, err
	}
	if err := s.checkPrompt(&Workload{Input: in, Steps: n}); err != nil {
		return nil, err
	}
	an := &core.Analyzer{Model: s.model, GeneratedToken: GeneratedTokens(s.proc), Observer: obs}
	res, err := an.Run(ctx, AnalysisInput(in), core.Options{NumTokens: n, StopTokenIDs: s.proc.Config().StopTokenIDs()})
	if err != nil {
		return nil, withKind(KindRuntime, err)
	}
	tok := s.proc.Tokenizer()
	out := &Generation{InputIDs: in.Prompt.IDs, GeneratedIDs: res.GeneratedIDs, GeneratedText: tok.Decode(res.GeneratedIDs), StoppedAtEOS: res.StoppedAtEOS}
	for _, st := range res.Steps {
		out.Steps = append(out.Steps, GenerationStep{ID: st.ID, Text: tok.DecodeToken(st.ID), Top5: s.candidates(st.Top5)})
	}
	return out, nil
}
