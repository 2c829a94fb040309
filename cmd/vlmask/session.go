package main

import (
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/vlmask/vlmask/hf/processor"
	"github.com/vlmask/vlmask/internal/run"
)

// sessionConfig is the session the flags ask for.
func (a *app) sessionConfig(c *cli.Context) run.Config {
	return run.Config{
		Model: c.String(flagModel), ORTLib: c.String(flagORTLib), Device: c.String(flagDevice),
		DType: c.String(flagDType), WeightsDType: c.String(flagWeightsDType), TF32: c.Bool(flagTF32),
		PluginDirs: c.StringSlice(flagPluginDir), Version: version, Logger: a.log,
	}
}

// openSession loads the runtime, the front end and the model, drawing the
// loading progress when enabled.
func (a *app) openSession(c *cli.Context, cfg run.Config) (*run.Session, error) {
	model := cfg.Model
	if a.progressEnabled(c) {
		bar := newProgress(a.stderr, "")
		cfg.LoadProgress = func(done, total int) { bar.phase("loading "+filepath.Base(model), done, total) }
		defer bar.stop()
	}
	return run.Open(cfg)
}

// prepare builds the model input for --prompt and --image.
func prepare(c *cli.Context, proc *processor.Processor) (*processor.Result, error) {
	text, err := run.PromptText(c.String(flagPrompt))
	if err != nil {
		return nil, err
	}
	return run.Prepare(proc, run.Prompt{
		Text: text, Images: c.StringSlice(flagImage), MaxImageResolution: c.Int(flagMaxImageRes),
	})
}
