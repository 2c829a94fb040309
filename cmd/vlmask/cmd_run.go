package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/pluginhost"
	"github.com/vlmask/vlmask/core/results"
)

// defaultOutput is the original tool's CLI-mode output name.
const defaultOutput = "vl_masking_results"

func (a *app) runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "knock every token out of attention, layer by layer, and write the impact table",
		Description: "Writes BASE.parquet (and BASE.csv with --format parquet,csv), prints the generated text,\n" +
			"the first step's top-5 and the row count. --config FILE.yaml runs a batch of prompts instead.\n" +
			"Example: vlmask run --model ./Qwen3-VL-2B-Instruct --image cat.png --prompt 'What is this?' --num-tokens 3 --mask-mode vision",
		Flags:  concatFlags(modelFlags(), analysisFlags(), outputFlags(), pluginFlags(), runtimeFlags()),
		Action: a.run,
	}
}

func analysisFlags() []cli.Flag {
	return []cli.Flag{
		numTokensFlag(1),
		&cli.StringFlag{Name: flagMaskMode, Value: "text", Category: catRun, EnvVars: envVar(flagMaskMode),
			Usage: "which tokens to knock out: text (everything but image patches), vision (image patches) or both"},
		&cli.BoolFlag{Name: flagSkipPerHead, Category: catRun, EnvVars: envVar(flagSkipPerHead), Usage: "no Head_N rows"},
		&cli.BoolFlag{Name: flagSaveAttentionWeights, Category: catRun, EnvVars: envVar(flagSaveAttentionWeights),
			Usage: "add AttentionWeight_Head_N and AttentionWeight_Avg rows (the final query's baseline weight on the masked token)"},
		&cli.StringFlag{Name: flagMethod, Value: string(core.MethodFast), Category: catRun, EnvVars: envVar(flagMethod),
			Usage: "fast (exact, from the final query row) or recompute (brute force: rerun the layer per token; for cross-checks)"},
		&cli.IntFlag{Name: flagBatchSize, Value: 8, Category: catRun, EnvVars: envVar(flagBatchSize),
			Usage: "accepted for compatibility with the original tool; the fast method needs no batching (recompute sizes its batches by memory)"},
		&cli.StringFlag{Name: flagConfig, Category: catRun, EnvVars: envVar(flagConfig),
			Usage: "YAML batch file in the original tool's format (model.path, prompts[]...); runs every enabled prompt"},
		&cli.BoolFlag{Name: flagResume, Category: catRun, Usage: "with --config: skip prompts whose output is already complete"},
	}
}

func outputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagOutput, Aliases: []string{"o"}, Value: defaultOutput, Category: catOutput, EnvVars: envVar(flagOutput),
			Usage: "output base name: a bare name goes to output/NAME.parquet, a path is used as given (plus the extension)"},
		&cli.StringFlag{Name: flagFormat, Value: "parquet", Category: catOutput, EnvVars: envVar(flagFormat),
			Usage: "comma-separated output formats: parquet, csv"},
		&cli.BoolFlag{Name: flagQuiet, Aliases: []string{"q"}, Category: catOutput, EnvVars: envVar(flagQuiet), Usage: "no progress on stderr"},
		jsonFlag("print a JSON summary on stdout instead of text"),
	}
}

// runSettings are a run's analysis settings, from flags or a YAML prompt.
type runSettings struct {
	opts     core.Options
	maskMode string
	formats  []results.Format
}

func settingsFromFlags(c *cli.Context) (runSettings, error) {
	s := runSettings{maskMode: c.String(flagMaskMode)}
	s.opts = core.Options{
		NumTokens: c.Int(flagNumTokens), Method: core.Method(c.String(flagMethod)),
		SkipPerHead: c.Bool(flagSkipPerHead), SaveAttentionWeights: c.Bool(flagSaveAttentionWeights),
	}
	if s.opts.NumTokens < 1 {
		return s, usageErr("--num-tokens %d: must be at least 1", s.opts.NumTokens)
	}
	if s.opts.Method != core.MethodFast && s.opts.Method != core.MethodRecompute {
		return s, usageErr("--method %q: want fast or recompute", s.opts.Method)
	}
	if _, err := maskModePlugin(s.maskMode); err != nil {
		return s, err
	}
	for _, f := range strings.Split(c.String(flagFormat), ",") {
		format, err := results.ParseFormat(strings.TrimSpace(f))
		if err != nil {
			return s, usageErr("--format: %v", err)
		}
		s.formats = append(s.formats, format)
	}
	return s, nil
}

// outputBase turns --output into a path base: a bare name goes under
// output/, as the original tool wrote it.
func outputBase(name string) string {
	name = strings.TrimSuffix(strings.TrimSuffix(name, ".parquet"), ".csv")
	if !strings.ContainsRune(name, filepath.Separator) {
		return filepath.Join("output", name)
	}
	return name
}

func (a *app) run(c *cli.Context) error {
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
	s, host, configs, err := a.openRun(c, set)
	if err != nil {
		return err
	}
	defer s.Close()
	defer host.Close()
	strategy, metrics, err := selectPlugins(c.Context, host, c.StringSlice(flagPlugin), configs, set.maskMode)
	if err != nil {
		return err
	}
	in, err := prepare(c, s.proc)
	if err != nil {
		return err
	}
	job := &analysisJob{
		app: a, session: s, strategy: strategy, metrics: metrics, input: in, settings: set,
		base: outputBase(c.String(flagOutput)), progress: a.progressEnabled(c),
		command: shellJoin(os.Args),
	}
	sum, err := job.run(c.Context)
	if sum != nil {
		a.printSummary(c, []*summary{sum})
	}
	return err
}

// openRun loads what an analysis run needs: the plugin configurations, the
// model session and the plugin host.
func (a *app) openRun(c *cli.Context, set runSettings) (*session, *pluginhost.Host, map[string]json.RawMessage, error) {
	configs, err := pluginConfigs(c.StringSlice(flagPluginConfig))
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := a.openSession(c, set.opts.Method == core.MethodRecompute)
	if err != nil {
		return nil, nil, nil, err
	}
	host, err := a.openPluginHost(c.Context, c)
	if err != nil {
		s.Close()
		return nil, nil, nil, err
	}
	return s, host, configs, nil
}

// shellJoin quotes arguments for the run metadata so the command can be
// pasted back into a shell.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
