package main

import (
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/vlmask/vlmask/hf/processor"
	"github.com/vlmask/vlmask/internal/run"
)

// sessionConfig is the session the flags ask for; model is a checkpoint
// directory or a Hub id (resolved to its cached snapshot, downloaded if
// missing).
func (a *app) sessionConfig(c *cli.Context, model string) (run.Config, error) {
	dir, err := a.modelDir(c, model)
	if err != nil {
		return run.Config{}, err
	}
	plugins, err := pluginSearch(c)
	if err != nil {
		return run.Config{}, err
	}
	memory, err := memoryAvailable(c)
	if err != nil {
		return run.Config{}, err
	}
	return run.Config{
		Model: dir, ORTLib: c.String(flagORTLib), Device: c.String(flagDevice),
		DType: c.String(flagDType), WeightsDType: c.String(flagWeightsDType), TF32: c.Bool(flagTF32),
		RecomputeMemory:  int64(c.Int(flagRecomputeMemory)) << 20,
		AllowLongContext: c.Bool(flagAllowLong), Plugins: plugins, Version: version, Logger: a.log,
		Memory: memory, NoMemoryCheck: c.Bool(flagNoMemoryCheck),
	}, nil
}

// pluginSearch reads the plugin search and trust flags.
func pluginSearch(c *cli.Context) (run.Plugins, error) {
	pins, err := run.ParsePluginChecksums(listFlag(c, flagPluginSHA256, envVar(flagPluginSHA256)[0]))
	if err != nil {
		return run.Plugins{}, err
	}
	return run.Plugins{
		Dirs: c.StringSlice(flagPluginDir), SearchWorkDir: c.Bool(flagPluginSearchCwd),
		AllowShadowBuiltins: c.Bool(flagPluginAllowShadow), Checksums: pins, PassEnv: listFlag(c, flagPluginEnv, envVar(flagPluginEnv)[0]),
	}, nil
}

// openFrontEnd loads --model's configuration and front end only (no
// runtime), for `vlmask inputs`.
func (a *app) openFrontEnd(c *cli.Context) (*processor.Processor, error) {
	dir, err := a.modelDir(c, c.String(flagModel))
	if err != nil {
		return nil, err
	}
	return run.OpenFrontEnd(dir)
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

// promptText resolves --prompt before anything loads, so an empty one
// fails at once. Without --prompt it says, at the default log level, which
// prompt it took.
func (a *app) promptText(c *cli.Context) (string, error) {
	text, from, err := run.PromptText(c.String(flagPrompt), c.IsSet(flagPrompt))
	if err != nil {
		return "", err
	}
	if from != "" {
		a.log.Warn("no --prompt given: using "+from, "prompt", text)
	}
	return text, nil
}

// prepare builds the model input for the prompt text and --image.
func prepare(c *cli.Context, proc *processor.Processor, text string) (*processor.Result, error) {
	return run.Prepare(proc, run.Prompt{
		Text: text, Images: c.StringSlice(flagImage), MaxImageResolution: c.Int(flagMaxImageRes),
	})
}

// prepareFor loads cfg's front end and prepares the prompt text and
// --image before the model loads, so that Open can estimate the memory the
// run needs: cfg takes the front end and the workload (steps, and the
// analysis settings; nil for generation).
func prepareFor(c *cli.Context, cfg *run.Config, text string, steps int, analysis *run.Settings) (*processor.Result, error) {
	proc, err := run.OpenFrontEnd(cfg.Model)
	if err != nil {
		return nil, err
	}
	in, err := prepare(c, proc, text)
	if err != nil {
		return nil, err
	}
	cfg.FrontEnd = proc
	cfg.Workload = &run.Workload{Input: in, Steps: steps, Analysis: analysis}
	return in, nil
}
