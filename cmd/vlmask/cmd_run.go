package main

import (
	"os"

	"github.com/urfave/cli/v2"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/internal/run"
)

func (a *app) runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "knock every token out of attention, layer by layer, and write the impact table",
		Description: "Writes BASE.parquet (and BASE.csv with --format parquet,csv), prints the generated text,\n" +
			"the first step's top-5 and the row count. --config FILE.yaml runs a batch of prompts instead;\n" +
			"--dataset FILE runs a study (or a shard of it) into a Parquet dataset directory.\n" +
			"Example: vlmask run --model ./Qwen3-VL-2B-Instruct --image cat.png --prompt 'What is this?' --num-tokens 3 --mask-mode vision",
		Flags:  concatFlags(modelFlags(), analysisFlags(), outputFlags(), pluginFlags(), runtimeFlags(), datasetFlags()),
		Action: a.run,
	}
}

// settingsFromFlags reads the analysis settings of the command line.
func settingsFromFlags(c *cli.Context) (run.Settings, error) {
	s := run.Settings{
		NumTokens: c.Int(flagNumTokens), Method: core.Method(c.String(flagMethod)),
		SkipPerHead: c.Bool(flagSkipPerHead), SaveAttentionWeights: c.Bool(flagSaveAttentionWeights),
		MaskMode: c.String(flagMaskMode), Plugins: listFlag(c, flagPlugin, envPlugins), Command: run.ShellJoin(os.Args),
		Replace: c.Bool(flagForce),
	}
	switch {
	case c.Bool(flagEffect):
		s.EffectWindows = c.IntSlice(flagWindow)
	case c.IsSet(flagWindow):
		return s, usageErr("--window sets the propagated knockout's windows: it needs --effect")
	}
	var err error
	if s.Formats, err = run.ParseFormats(c.String(flagFormat)); err != nil {
		return s, err
	}
	if s.PluginConfigs, err = run.ParsePluginConfigs(c.StringSlice(flagPluginConfig)); err != nil {
		return s, err
	}
	return s, s.Validate()
}

func (a *app) run(c *cli.Context) error {
	if c.String(flagDataset) != "" {
		return a.runDataset(c)
	}
	if c.String(flagConfig) != "" {
		return a.runBatch(c)
	}
	if c.String(flagModel) == "" {
		return usageErr("--model is required (or --config FILE.yaml)")
	}
	set, err := settingsFromFlags(c)
	if err != nil {
		return err
	}
	base := run.OutputBase(c.String(flagOutput))
	if err := run.CheckOutput(base, set); err != nil {
		return err
	}
	text, err := a.promptText(c)
	if err != nil {
		return err
	}
	cfg, err := a.sessionConfig(c, c.String(flagModel))
	if err != nil {
		return err
	}
	cfg.Needs(set)
	in, err := prepareFor(c, &cfg, text, set.NumTokens, &set)
	if err != nil {
		return err
	}
	s, err := a.openSession(c, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	obs := a.observer(c, "")
	sum, err := s.Analyze(c.Context, in, "", base, set, obs)
	obs.done()
	if sum != nil {
		a.printSummary(c, []*run.Summary{sum})
	}
	return err
}
