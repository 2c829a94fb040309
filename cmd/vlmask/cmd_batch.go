package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/hf/processor"
	"github.com/vlmask/vlmask/internal/batchconfig"
	"github.com/vlmask/vlmask/sdk"
)

// runBatch runs every enabled prompt of a YAML batch file with one model
// load: one output file per prompt, named after it; a failed prompt is
// reported and the batch goes on; a summary table ends it.
func (a *app) runBatch(c *cli.Context) error {
	file, err := batchconfig.Load(c.String(flagConfig))
	if err != nil {
		return withCode(ExitInput, err)
	}
	for _, k := range file.Unknown {
		a.log.Warn("batch config key not used by vlmask", "file", file.Path, "key", k)
	}
	// As in the original tool, the file's model and device win over flags.
	if file.Model != "" {
		if err := c.Set(flagModel, file.Model); err != nil {
			return err
		}
	}
	if file.Device != "" {
		if err := c.Set(flagDevice, file.Device); err != nil {
			return err
		}
	}
	if c.String(flagModel) == "" {
		return usageErr("%s has no model.path and --model is not set", file.Path)
	}
	base, err := settingsFromFlags(c)
	if err != nil {
		return err
	}
	prompts := file.Enabled()
	if len(prompts) == 0 {
		return withCode(ExitInput, fmt.Errorf("%s: every prompt is disabled", file.Path))
	}
	outDir := "output"
	if c.IsSet(flagOutput) {
		outDir = c.String(flagOutput)
	}
	s, host, configs, err := a.openRun(c, base)
	if err != nil {
		return err
	}
	defer s.Close()
	defer host.Close()

	// Plugins start once per mask mode, not per prompt.
	chosen := map[string]*pluginChoice{}
	choose := func(mode string) (*pluginChoice, error) {
		if ch, ok := chosen[mode]; ok {
			return ch, nil
		}
		strategy, metrics, err := selectPlugins(c.Context, host, c.StringSlice(flagPlugin), configs, mode)
		if err != nil {
			return nil, err
		}
		chosen[mode] = &pluginChoice{strategy, metrics}
		return chosen[mode], nil
	}

	var sums []*summary
	var firstErr error
	for _, p := range prompts {
		if c.Context.Err() != nil {
			break
		}
		dest := filepath.Join(outDir, p.Name)
		if c.Bool(flagResume) {
			if done, _ := results.Complete(dest + base.formats[0].Extension()); done {
				sums = append(sums, &summary{Name: p.Name, Skipped: true, Paths: []string{dest + base.formats[0].Extension()}})
				continue
			}
		}
		var sum *summary
		ch, err := choose(p.MaskMode)
		if err == nil {
			sum, err = a.runPrompt(c, s, ch, base, p, dest)
		}
		if sum == nil {
			sum = &summary{Name: p.Name}
		}
		if err != nil {
			sum.Error = err.Error()
			a.log.Error("prompt failed", "prompt", p.Name, "error", err)
			fmt.Fprintf(a.stderr, "vlmask: prompt %s: %v\n", p.Name, err)
			if firstErr == nil {
				firstErr = err
			}
		}
		sums = append(sums, sum)
	}
	a.printSummary(c, sums)
	if firstErr != nil {
		return withCode(exitCode(firstErr), fmt.Errorf("%d of %d prompts failed; first: %w", countFailed(sums), len(sums), firstErr))
	}
	return c.Context.Err()
}

// runPrompt analyses one prompt of a batch.
func (a *app) runPrompt(c *cli.Context, s *session, plugins *pluginChoice, base runSettings, p batchconfig.Prompt, dest string) (*summary, error) {
	set := base
	set.maskMode = p.MaskMode
	set.opts.NumTokens = p.NumTokens
	set.opts.SkipPerHead = p.SkipPerHead || base.opts.SkipPerHead
	set.opts.SaveAttentionWeights = p.SaveAttentionWeights || base.opts.SaveAttentionWeights
	conv, err := batchconfig.ParsePrompt(p.Text, len(p.Images), s.proc.Config().Family.HasVision())
	if err != nil {
		return nil, withCode(ExitInput, fmt.Errorf("%s: prompt %s: %w", c.String(flagConfig), p.Name, err))
	}
	in, err := s.proc.Process(processor.Request{
		Messages: conv.Messages, Images: p.Images, MaxImageResolution: p.MaxImageResolution, AssistantPrefix: conv.AssistantPrefix,
	})
	if err != nil {
		return nil, withCode(ExitInput, err)
	}
	job := &analysisJob{
		app: a, session: s, strategy: plugins.strategy, metrics: plugins.metrics, input: in, settings: set,
		base: dest, promptName: p.Name, command: shellJoin(os.Args), progress: a.progressEnabled(c),
	}
	return job.run(c.Context)
}

func countFailed(sums []*summary) int {
	n := 0
	for _, s := range sums {
		if s.Error != "" {
			n++
		}
	}
	return n
}

// pluginChoice is the strategy and metrics of one mask mode in a batch.
type pluginChoice struct {
	strategy sdk.MaskingStrategy
	metrics  []sdk.Metric
}
