package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/internal/batchconfig"
	"github.com/vlmask/vlmask/internal/run"
)

// runBatch runs every enabled prompt of a YAML batch file with one model
// load: one output file per prompt, named after it; a failed prompt is
// reported and the batch goes on; a summary table ends it. Flags given on
// the command line win over the file.
func (a *app) runBatch(c *cli.Context) error {
	file, err := batchconfig.Load(c.String(flagConfig))
	if err != nil {
		return withCode(ExitInput, err)
	}
	for _, k := range file.Unknown {
		a.log.Warn("batch config key not used by vlmask", "file", file.Path, "key", k)
	}
	model := c.String(flagModel)
	if file.Model != "" && !c.IsSet(flagModel) {
		model = file.Model
	}
	if model == "" {
		return usageErr("%s has no model.path and --model is not set", file.Path)
	}
	cfg, err := a.sessionConfig(c, model)
	if err != nil {
		return err
	}
	if file.Device != "" && !c.IsSet(flagDevice) {
		cfg.Device = file.Device
	}
	base, err := settingsFromFlags(c)
	if err != nil {
		return err
	}
	b := run.Batch{File: file, Base: base, Overrides: overrides(c), OutDir: "output", Resume: c.Bool(flagResume)}
	if c.IsSet(flagOutput) {
		b.OutDir = c.String(flagOutput)
	}
	if err := b.CheckOutputs(); err != nil {
		return err
	}
	var bar progressObserver
	b.Observer = func(prompt string) core.Observer {
		bar.done()
		bar = a.observer(c, prompt)
		return bar
	}
	b.Failed = func(prompt string, err error) {
		a.log.Error("prompt failed", "prompt", prompt, "error", err)
		fmt.Fprintf(a.stderr, "vlmask: prompt %s: %v\n", prompt, err)
	}
	cfg.Needs(base)
	s, err := a.openSession(c, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	sums, err := s.RunBatch(c.Context, b)
	bar.done()
	if len(sums) > 0 {
		a.printSummary(c, sums)
	}
	return err
}

// overrides are the analysis flags set on the command line.
func overrides(c *cli.Context) run.Overrides {
	var o run.Overrides
	if c.IsSet(flagNumTokens) {
		o.NumTokens = ptr(c.Int(flagNumTokens))
	}
	if c.IsSet(flagMaskMode) {
		o.MaskMode = ptr(c.String(flagMaskMode))
	}
	if c.IsSet(flagSkipPerHead) {
		o.SkipPerHead = ptr(c.Bool(flagSkipPerHead))
	}
	if c.IsSet(flagSaveAttentionWeights) {
		o.SaveAttentionWeights = ptr(c.Bool(flagSaveAttentionWeights))
	}
	if c.IsSet(flagMaxImageRes) {
		o.MaxImageResolution = ptr(c.Int(flagMaxImageRes))
	}
	return o
}

func ptr[T any](v T) *T { return &v }
