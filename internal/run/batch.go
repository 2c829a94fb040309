package run

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/internal/batchconfig"
)

// Overrides are the settings given on the command line, which win over a
// batch file's per-prompt values and its defaults (nil: not given).
type Overrides struct {
	NumTokens            *int
	MaskMode             *string
	SkipPerHead          *bool
	SaveAttentionWeights *bool
	MaxImageResolution   *int
}

// Batch is a batch file's run: every enabled prompt into OutDir/NAME.
type Batch struct {
	File *batchconfig.File
	// Base carries what the file cannot set: formats, method, plugins,
	// the command; its per-prompt fields are replaced prompt by prompt.
	Base      Settings
	Overrides Overrides
	OutDir    string
	// Resume skips prompts whose output files, in every format, are
	// complete and made from the same inputs (the fingerprint in their
	// metadata), and redoes the others, replacing outputs made from other
	// inputs.
	Resume bool
	// Observer, when set, gives each prompt's progress observer.
	Observer func(prompt string) core.Observer
	// Failed, when set, hears each prompt that fails; the batch goes on.
	Failed func(prompt string, err error)
}

// CheckOutputs refuses, before the model loads, a batch that would have to
// replace complete outputs it may not (no Resume, no Base.Replace): it
// names them and the ways out.
func (b Batch) CheckOutputs() error {
	if b.Resume {
		return nil
	}
	prompts := b.File.Enabled()
	var taken []string
	for _, p := range prompts {
		set, _ := b.PromptSettings(p)
		dest, err := PromptOutput(b.OutDir, p.Name)
		if err != nil {
			return withKind(KindInput, fmt.Errorf("%s: %w", b.File.Path, err))
		}
		if err := results.CheckReplace(dest, set.Formats, set.Replace); err != nil {
			taken = append(taken, err.Error())
		}
	}
	if len(taken) == 0 {
		return nil
	}
	return withKind(KindOutput, fmt.Errorf("%s: %d of %d prompts have complete outputs already (%s): pass --resume to skip them, --force to replace them, or --output DIR to write elsewhere",
		b.File.Path, len(taken), len(prompts), strings.Join(taken, "; ")))
}

// PromptSettings are one batch prompt's settings: the command line's
// overrides, else the prompt's own values (the file's defaults applied).
func (b Batch) PromptSettings(p batchconfig.Prompt) (Settings, int) {
	set := b.Base
	set.NumTokens = pick(b.Overrides.NumTokens, p.NumTokens)
	set.MaskMode = pick(b.Overrides.MaskMode, p.MaskMode)
	set.SkipPerHead = pick(b.Overrides.SkipPerHead, p.SkipPerHead)
	set.SaveAttentionWeights = pick(b.Overrides.SaveAttentionWeights, p.SaveAttentionWeights)
	return set, pick(b.Overrides.MaxImageResolution, p.MaxImageResolution)
}

func pick[T any](override *T, v T) T {
	if override != nil {
		return *override
	}
	return v
}

// RunBatch analyses every enabled prompt of the batch with the loaded
// model: one output per prompt, named after it. A failed prompt is
// reported to b.Failed and the batch goes on; it stops when ctx is
// cancelled. It returns every prompt's summary and the first error.
func (s *Session) RunBatch(ctx context.Context, b Batch) ([]*Summary, error) {
	prompts := b.File.Enabled()
	if len(prompts) == 0 {
		return nil, withKind(KindInput, fmt.Errorf("%s: every prompt is disabled", b.File.Path))
	}
	var sums []*Summary
	var firstErr, lastErr error
	for _, p := range prompts {
		if ctx.Err() != nil {
			break
		}
		lastErr = nil
		set, maxRes := b.PromptSettings(p)
		dest, err := PromptOutput(b.OutDir, p.Name)
		if err != nil {
			return sums, withKind(KindInput, fmt.Errorf("%s: %w", b.File.Path, err))
		}
		sum, err := s.runPrompt(ctx, b, p, set, maxRes, dest)
		if sum == nil {
			sum = &Summary{Name: p.Name}
		}
		if err != nil {
			lastErr = err
			sum.Error = err.Error()
			if Interrupted(err) {
				sums = append(sums, sum)
				break
			}
			if b.Failed != nil {
				b.Failed(p.Name, err)
			}
			if firstErr == nil {
				firstErr = err
			}
		}
		sums = append(sums, sum)
	}
	if ctx.Err() != nil {
		if !Interrupted(lastErr) {
			lastErr = nil // the last prompt failed on its own, before the interruption
		}
		return sums, batchInterrupted(sums, len(prompts), lastErr)
	}
	if firstErr != nil {
		return sums, &Error{Kind: KindOf(firstErr), Err: fmt.Errorf("%d of %d prompts failed; first: %w", countFailed(sums), len(sums), firstErr)}
	}
	return sums, nil
}

// runPrompt analyses one prompt of a batch.
func (s *Session) runPrompt(ctx context.Context, b Batch, p batchconfig.Prompt, set Settings, maxRes int, dest string) (*Summary, error) {
	conv, err := batchconfig.ParsePrompt(p.Text, len(p.Images), s.proc.Config().Family.HasVision())
	if err != nil {
		return nil, withKind(KindInput, fmt.Errorf("%s: prompt %s: %w", b.File.Path, p.Name, err))
	}
	in, err := Prepare(s.proc, Prompt{
		Name: p.Name, Messages: conv.Messages, AssistantPrefix: conv.AssistantPrefix,
		Images: p.Images, MaxImageResolution: maxRes,
	})
	if err != nil {
		return nil, err
	}
	var redo string
	if b.Resume {
		st, err := s.resume(in, set, dest)
		if err != nil {
			return nil, err
		}
		if st.done {
			sum := &Summary{Name: p.Name, Skipped: true}
			for _, f := range set.Formats {
				sum.Paths = append(sum.Paths, dest+f.Extension())
			}
			return sum, nil
		}
		if redo = st.why; redo != "" {
			s.log.Warn("--resume: redoing prompt "+p.Name, "why", redo, "replacing", st.replace)
		}
		set.Replace = set.Replace || st.replace
	}
	var obs core.Observer
	if b.Observer != nil {
		obs = b.Observer(p.Name)
	}
	sum, err := s.Analyze(ctx, in, p.Name, dest, set, obs)
	if sum != nil {
		sum.Redone = redo
	}
	return sum, err
}

func countFailed(sums []*Summary) int {
	n := 0
	for _, s := range sums {
		if s.Error != "" {
			n++
		}
	}
	return n
}

// PromptOutput is the output base of a batch prompt: outDir/name. The name
// must be a single file name (see batchconfig.ValidName), so that every
// output stays inside outDir.
func PromptOutput(outDir, name string) (string, error) {
	if err := batchconfig.ValidName(name); err != nil {
		return "", fmt.Errorf("prompt %s: %w", name, err)
	}
	if !filepath.IsLocal(name) || filepath.Base(name) != name {
		return "", fmt.Errorf("prompt %q: the name is not a file name inside the output directory", name)
	}
	return filepath.Join(outDir, name), nil
}
