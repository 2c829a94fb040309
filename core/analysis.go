package core

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/sdk"
)

// Method selects how knockouts are computed.
type Method string

const (
	// MethodFast computes every group's knockout from the final query row
	// alone and runs only o_proj and the MLP block per group.
	MethodFast Method = "fast"
	// MethodRecompute reruns the whole layer per group with the group's keys
	// masked: the brute-force reference.
	MethodRecompute Method = "recompute"
)

// Options configure one analysis.
type Options struct {
	// NumTokens is the number of analysis steps: step 0 analyses the
	// prompt, step k the prompt plus k greedily generated tokens. Analysis
	// stops early when the model generates a stop token.
	NumTokens            int
	Method               Method
	SkipPerHead          bool // no Head_h rows
	SaveAttentionWeights bool // AttentionWeight_Head_h and AttentionWeight_Avg rows
	StopTokenIDs         []int
	PromptName           string
	// EffectWindows, when not empty, adds the propagated knockout: for each
	// window k, each start layer ℓ and each group, the change of the
	// next-token distribution when the final query cannot see the group at
	// layers ℓ … ℓ+k−1 (results' Effect_W{k} rows). The method picks the
	// fast path (the final row alone carried on, Propagator.Propagate) or
	// the brute force (a whole forward per group and start layer).
	EffectWindows []int
}

// RowWriter receives the analysis rows as they are produced, in order.
type RowWriter interface {
	Write(rows []results.Row) error
}

// Observer hears about progress. Calls come from one goroutine at a time,
// in order (LayerDone from the goroutine that writes the rows). A nil
// Observer is fine.
type Observer interface {
	StepStarted(step, numSteps, seqLen int)
	LayerDone(step, layer, numLayers int)
}

// StageObserver is an optional Observer capability: it hears when the
// analysis starts work that is not part of a step, such as encoding the
// images, which can take a while on a large image.
type StageObserver interface {
	Stage(what string)
}

// Unembedder is an optional Model capability: the unembedding (lm_head)
// row of a token, for metrics that declare NeedsUnembedding.
type Unembedder interface {
	UnembeddingRow(id int) ([]float32, error)
}

// Analyzer runs the knockout analysis of one model with one masking
// strategy and a set of metrics. Without a Strategy it only generates:
// the same greedy steps, no rows.
type Analyzer struct {
	Model    Model
	Strategy sdk.MaskingStrategy
	Metrics  []sdk.Metric
	// GeneratedToken describes a token the model generated, appended at
	// position pos (processor.Processor.GeneratedToken).
	GeneratedToken func(pos, id int) sdk.Token
	Rows           RowWriter
	Observer       Observer
}

// Step is what one analysis step produced.
type Step struct {
	// ID is the greedy next token predicted at the step's final position.
	ID   int
	Top5 []Candidate
}

// Result summarises an analysis.
type Result struct {
	// Steps are the analysed steps, in order.
	Steps []Step
	// GeneratedIDs are the greedily generated tokens: one per analysed
	// step, the last possibly a stop token.
	GeneratedIDs []int
	StoppedAtEOS bool
	Rows         int64
}

// Input is the prompt as the analysis sees it: the model input plus the
// per-position token table the masking strategy reads.
type Input struct {
	Prompt *Prompt
	Tokens []sdk.Token
	Images []sdk.ImageInfo
}

// Run analyses the prompt for up to opts.NumTokens steps. Rows stream to
// a.Rows as each layer finishes; on error or cancellation the rows written
// so far stay written and the partial Result is returned with the error.
// When ctx ends, the error matches ctx.Err() whatever else failed on the
// way: stopping plugins is how an interruption reaches a running step, and
// the failures that follow from it are not the cause.
func (a *Analyzer) Run(ctx context.Context, in Input, opts Options) (*Result, error) {
	res, err := a.run(ctx, in, opts)
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		err = fmt.Errorf("%w (then: %v)", ctx.Err(), err)
	}
	return res, err
}

func (a *Analyzer) run(ctx context.Context, in Input, opts Options) (*Result, error) {
	if opts.NumTokens < 1 {
		return nil, fmt.Errorf("number of tokens %d: must be at least 1", opts.NumTokens)
	}
	if opts.Method == "" {
		opts.Method = MethodFast
	}
	if len(in.Tokens) != len(in.Prompt.IDs) {
		return nil, fmt.Errorf("token table has %d entries for %d ids", len(in.Tokens), len(in.Prompt.IDs))
	}
	plan, err := a.plan(ctx, opts)
	if err != nil {
		return nil, err
	}
	if opts.EffectWindows, err = checkWindows(opts.EffectWindows); err != nil {
		return nil, err
	}
	effect := len(opts.EffectWindows) > 0 && a.Strategy != nil
	if so, ok := a.Observer.(StageObserver); ok && len(in.Images) > 0 {
		tokens := 0
		for _, im := range in.Images {
			tokens += im.NumTokens
		}
		so.Stage(fmt.Sprintf("encoding %d image(s) into %d tokens", len(in.Images), tokens))
	}
	seq, err := a.Model.Start(ctx, in.Prompt, SequenceOptions{
		KeepLayerInputs: opts.Method == MethodRecompute,
		PropagateRows:   effect && opts.Method != MethodRecompute,
	})
	if err != nil {
		return nil, err
	}
	defer seq.Close()
	if _, ok := seq.(Propagator); effect && !ok {
		return nil, ErrNoPropagation
	}

	spec := a.Model.Spec()
	tokens := slices.Clone(in.Tokens)
	res := &Result{}
	next := -1
	for step := 0; step < opts.NumTokens; step++ {
		if step > 0 {
			res.GeneratedIDs = append(res.GeneratedIDs, next)
			if slices.Contains(opts.StopTokenIDs, next) {
				res.StoppedAtEOS = true
				return res, nil
			}
			if err := seq.Append(next); err != nil {
				return res, err
			}
			tokens = append(tokens, a.GeneratedToken(len(tokens), next))
		}
		if a.Observer != nil {
			a.Observer.StepStarted(step, opts.NumTokens, len(tokens))
		}
		st := &stepRun{ctx: ctx, a: a, plan: plan, opts: opts, spec: spec, step: step, tokens: tokens}
		if effect {
			st.effect = &effectStep{windows: opts.EffectWindows}
		}
		st.scorer = newScorer(st.score, st.write)
		var observe func(LayerProbe) error
		if a.Strategy != nil {
			sq := sdk.Sequence{
				Tokens: tokens, Images: in.Images, Step: step, PromptLength: len(in.Prompt.IDs),
				NumLayers: spec.NumLayers, NumHeads: spec.NumHeads,
			}
			if st.groups, err = a.groups(ctx, sq); err != nil {
				return res, err
			}
			observe = st.observe
		}
		logits, err := seq.Forward(ctx, observe)
		if err != nil {
			if serr := st.stop(); serr != nil && !errors.Is(err, serr) {
				err = serr // the scorer's failure is what stopped the forward
			}
			res.Rows += st.rows
			return res, fmt.Errorf("step %d: %w", step, err)
		}
		next = Argmax(logits)
		err = st.finish(next)
		res.Rows += st.rows
		if err != nil {
			return res, fmt.Errorf("step %d: %w", step, err)
		}
		if st.effect != nil {
			n, err := st.propagated(ctx, seq, logits, next)
			res.Rows += n
			if err != nil {
				return res, fmt.Errorf("step %d: %w", step, err)
			}
		}
		res.Steps = append(res.Steps, Step{ID: next, Top5: TopK(logits, 5)})
	}
	res.GeneratedIDs = append(res.GeneratedIDs, next)
	return res, nil
}

// groups asks the strategy for this step's mask groups and checks them.
func (a *Analyzer) groups(ctx context.Context, sq sdk.Sequence) ([]sdk.Group, error) {
	resp, err := a.Strategy.Mask(ctx, sdk.MaskRequest{Sequence: sq})
	if err != nil {
		return nil, fmt.Errorf("masking strategy: %w", err)
	}
	if err := sdk.ValidateMask(sq, resp); err != nil {
		return nil, fmt.Errorf("masking strategy: %w", err)
	}
	return resp.Groups, nil
}
