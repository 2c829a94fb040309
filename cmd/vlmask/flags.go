package main

import (
	"strings"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/internal/run"
)

// Flag names, shared by the commands that read them.
const (
	flagLogLevel = "log-level"
	flagVerbose  = "verbose"
	flagQuiet    = "quiet"
	flagJSON     = "json"

	flagORTLib       = "ort-lib"
	flagDevice       = "device"
	flagDType        = "dtype"
	flagWeightsDType = "weights-dtype"
	flagTF32         = "tf32"

	flagModel       = "model"
	flagRevision    = "revision"
	flagOffline     = "offline"
	flagImage       = "image"
	flagPrompt      = "prompt"
	flagMaxImageRes = "max-image-resolution"
	flagAllowLong   = "allow-long-context"

	flagNumTokens            = "num-tokens"
	flagMaskMode             = "mask-mode"
	flagSkipPerHead          = "skip-per-head"
	flagSaveAttentionWeights = "save-attention-weights"
	flagMethod               = "method"
	flagRecomputeMemory      = "recompute-memory"
	flagBatchSize            = "batch-size"
	flagConfig               = "config"
	flagResume               = "resume"
	flagEffect               = "effect"
	flagWindow               = "window"

	flagOutput = "output"
	flagFormat = "format"
	flagForce  = "force"

	flagPlugin            = "plugin"
	flagPluginDir         = "plugin-dir"
	flagPluginConfig      = "plugin-config"
	flagPluginAllowShadow = "plugin-allow-shadow"
	flagPluginSearchCwd   = "plugin-search-cwd"
	flagPluginSHA256      = "plugin-sha256"
	flagPluginEnv         = "plugin-env"
)

// Help categories.
const (
	catModel   = "MODEL AND INPUT"
	catRun     = "ANALYSIS"
	catOutput  = "OUTPUT"
	catRuntime = "RUNTIME"
	catPlugins = "PLUGINS"
	catLogging = "LOGGING"
)

// envVar is the VLMASK_* variable of a flag: VLMASK_ORT_LIB for --ort-lib.
func envVar(name string) []string {
	return []string{"VLMASK_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))}
}

// globalFlags are the flags every command takes, before or after its name:
// `vlmask --verbose run ...` and `vlmask run ... --verbose`. The app's
// copies (env true) also read the environment; the commands' copies read
// only the command line, so that a flag typed after the command wins over
// one typed before it, which wins over the environment (see global).
func globalFlags(env bool) []cli.Flag {
	vars := func(names ...string) []string {
		if !env {
			return nil
		}
		return names
	}
	return []cli.Flag{
		&cli.StringFlag{Name: flagLogLevel, Value: "warn", Category: catLogging, EnvVars: vars("VLMASK_LOG", "VLMASK_LOG_LEVEL"),
			Usage: "log level on stderr: trace, debug, info, warn, error, off"},
		&cli.BoolFlag{Name: flagVerbose, Category: catLogging, EnvVars: vars(envVar(flagVerbose)...),
			Usage: "log at info level: the device chosen, load time and peak memory, plugin starts"},
		&cli.BoolFlag{Name: flagQuiet, Aliases: []string{"q"}, Category: catLogging, EnvVars: vars(envVar(flagQuiet)...),
			Usage: "no progress on stderr"},
	}
}

// global is the context that holds a global flag's value: the innermost
// command given it on the command line, else the app's (its command line,
// its environment variable or its default).
func global(c *cli.Context, name string) *cli.Context {
	lineage := c.Lineage() // innermost first
	for _, ctx := range lineage {
		if ctx.IsSet(name) {
			return ctx
		}
	}
	for i := len(lineage) - 1; i >= 0; i-- {
		if lineage[i].Value(name) != nil { // the outermost copy: the app's, with its default
			return lineage[i]
		}
	}
	return c
}

func runtimeFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: flagORTLib, Category: catRuntime, EnvVars: envVar(flagORTLib),
			Usage: "path of the ONNX Runtime shared library (default: the cache filled by `make ort`, then the system's)"},
		&cli.StringFlag{Name: flagDevice, Value: "auto", Category: catRuntime, EnvVars: envVar(flagDevice),
			Usage: "where to run: auto (CUDA when its provider loads, else CPU), cpu or cuda"},
		&cli.StringFlag{Name: flagDType, Category: catRuntime, EnvVars: envVar(flagDType),
			Usage: "matrix products in float32, bfloat16 or float16 (half precision on CUDA only; norms, softmax, residual stream and knockout stay float32/float64); default: the checkpoint's dtype on CUDA, float32 on the CPU"},
		&cli.StringFlag{Name: flagWeightsDType, Value: "auto", Category: catRuntime, EnvVars: envVar(flagWeightsDType),
			Usage: "a half-precision checkpoint's weights on the CPU: float32 (converted once), checkpoint (kept half-size, cast per layer) or auto (float32 when the run's memory estimate then fits)"},
		&cli.BoolFlag{Name: flagTF32, Category: catRuntime, EnvVars: envVar(flagTF32),
			Usage: "allow TensorFloat-32 matrix products on CUDA (faster, about 3 fewer decimal digits)"},
	}, memoryFlags()...)
}

func modelFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagModel, Aliases: []string{"m"}, Category: catModel, EnvVars: envVar(flagModel),
			Usage: "Hugging Face checkpoint directory (config.json, *.safetensors, tokenizer.json, ...), or a Hub id such as Qwen/Qwen3-VL-2B-Instruct, read from the Hugging Face cache and downloaded into it when missing"},
		revisionFlag(),
		offlineFlag(),
		&cli.StringSliceFlag{Name: flagImage, Aliases: []string{"i"}, Category: catModel, KeepSpace: true,
			Usage: "image file (PNG, JPEG, GIF, WebP); repeat for several images, placed before the text in order"},
		&cli.StringFlag{Name: flagPrompt, Aliases: []string{"p"}, Category: catModel,
			Usage: "prompt text, or the path of a .txt file holding it"},
		&cli.IntFlag{Name: flagMaxImageRes, Category: catModel, EnvVars: envVar(flagMaxImageRes),
			Usage: "downscale images (in memory) so the longest side is at most this many pixels"},
	}
}

// revisionFlag and offlineFlag go with a Hub id; offline mode is also
// HF_HUB_OFFLINE=1, as for transformers.
func revisionFlag() cli.Flag {
	return &cli.StringFlag{Name: flagRevision, Category: catModel, EnvVars: envVar(flagRevision),
		Usage: "with a Hub id: the branch, tag or commit to use (default main)"}
}

func offlineFlag() cli.Flag {
	return &cli.BoolFlag{Name: flagOffline, Category: catModel, EnvVars: envVar(flagOffline),
		Usage: "with a Hub id: use the Hugging Face cache only, never the network (also HF_HUB_OFFLINE=1)"}
}

func jsonFlag(usage string) cli.Flag {
	return &cli.BoolFlag{Name: flagJSON, Category: catOutput, Usage: usage}
}

func pluginFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringSliceFlag{Name: flagPlugin, Category: catPlugins,
			Usage: "plugin to use, by name (repeatable, or comma-separated; also $" + envPlugins + "): one masking strategy (replaces --mask-mode) and any extra metrics; see `vlmask plugins list`"},
		&cli.StringSliceFlag{Name: flagPluginConfig, Category: catPlugins, KeepSpace: true,
			Usage: "configuration for a loaded plugin, NAME=JSON (repeatable; the JSON may hold commas), e.g. region-window='{\"k\": 2, \"stride\": 2}'"},
	}, pluginSearchFlags()...)
}

// pluginSearchFlags are the flags that decide which plugin executables may
// run: where to look, what to trust, what they see.
func pluginSearchFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: flagPluginDir, Category: catPlugins, KeepSpace: true,
			Usage: "directory searched first for vlmask-plugin-* executables (repeatable); then $VLMASK_PLUGIN_DIR, the user data dir and the built-ins"},
		&cli.BoolFlag{Name: flagPluginSearchCwd, Category: catPlugins, EnvVars: envVar(flagPluginSearchCwd),
			Usage: "also search ./.vlmask/plugins in the working directory (off: a directory anyone can drop files into must not decide what runs)"},
		&cli.BoolFlag{Name: flagPluginAllowShadow, Category: catPlugins, EnvVars: envVar(flagPluginAllowShadow),
			Usage: "let a plugin found in a directory replace the built-in of the same name (off: such a plugin is skipped with a warning)"},
		&cli.StringSliceFlag{Name: flagPluginSHA256, Category: catPlugins,
			Usage: "pin a plugin to the SHA-256 of its executable, NAME=HEX (repeatable, or comma-separated; also $" + envVar(flagPluginSHA256)[0] + "); a mismatch refuses to start it"},
		&cli.StringSliceFlag{Name: flagPluginEnv, Category: catPlugins,
			Usage: "pass this environment variable to plugins (repeatable, or comma-separated; also $" + envVar(flagPluginEnv)[0] + "); they get only PATH, HOME, locale and temp-dir variables otherwise"},
	}
}

func analysisFlags() []cli.Flag {
	return []cli.Flag{
		numTokensFlag(1),
		allowLongFlag(),
		&cli.StringFlag{Name: flagMaskMode, Value: "text", Category: catRun, EnvVars: envVar(flagMaskMode),
			Usage: "which tokens to knock out: text (everything but image patches), vision (image patches) or both"},
		&cli.BoolFlag{Name: flagSkipPerHead, Category: catRun, EnvVars: envVar(flagSkipPerHead), Usage: "no Head_N rows"},
		&cli.BoolFlag{Name: flagSaveAttentionWeights, Category: catRun, EnvVars: envVar(flagSaveAttentionWeights),
			Usage: "add AttentionWeight_Head_N and AttentionWeight_Avg rows (the final query's baseline weight on the masked token)"},
		&cli.StringFlag{Name: flagMethod, Value: string(core.MethodFast), Category: catRun, EnvVars: envVar(flagMethod),
			Usage: "fast (exact, from the final query row) or recompute (brute force: rerun the layer per token, and with --effect a whole forward per token and start layer; for cross-checks)"},
		&cli.IntFlag{Name: flagRecomputeMemory, Value: run.DefaultRecomputeMemory >> 20, Category: catRun, EnvVars: envVar(flagRecomputeMemory),
			Usage: "MiB: how much memory beyond the fast method's one batch of --method recompute may hold (it runs as many tokens at once as fit, at least one)"},
		&cli.BoolFlag{Name: flagEffect, Category: catRun, EnvVars: envVar(flagEffect),
			Usage: "also measure each token's effect on the output: Effect_W{K} rows with kl, dlogp, tv, argmax_changed, rank and final_hidden_l2 of the next-token distribution when the final position cannot see the token at layers L..L+K-1 (the propagated knockout; per step about L/2 forward passes for the layers plus an lm_head product over the groups per start layer)"},
		&cli.IntSliceFlag{Name: flagWindow, Value: cli.NewIntSlice(1), Category: catRun, EnvVars: envVar(flagWindow),
			Usage: "with --effect: the window K of layers blocked from the start layer on; repeat or comma-separate for several (--window 1 --window 9)"},
		&cli.IntFlag{Name: flagBatchSize, Value: 8, Category: catRun, EnvVars: envVar(flagBatchSize),
			Usage: "accepted for compatibility with the original tool; the fast method needs no batching (recompute sizes its batches by memory)"},
		&cli.StringFlag{Name: flagConfig, Category: catRun, EnvVars: envVar(flagConfig),
			Usage: "YAML batch file in the original tool's format (model.path, prompts[]...); runs every enabled prompt"},
		&cli.BoolFlag{Name: flagResume, Category: catRun, Usage: "with --config: skip prompts whose outputs, in every --format, are complete and made from the same inputs; redo the others, replacing outputs of other inputs"},
	}
}

func outputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagOutput, Aliases: []string{"o"}, Value: run.DefaultOutput, Category: catOutput, EnvVars: envVar(flagOutput),
			Usage: "output base name: a bare name goes to output/NAME.parquet, a path is used as given (plus the extension)"},
		&cli.StringFlag{Name: flagFormat, Value: "parquet", Category: catOutput, EnvVars: envVar(flagFormat),
			Usage: "comma-separated output formats: parquet, csv"},
		&cli.BoolFlag{Name: flagForce, Category: catOutput, EnvVars: envVar(flagForce),
			Usage: "replace complete output files (refused otherwise, exit 5); an interrupted run still never replaces one"},
		jsonFlag("print a JSON summary on stdout instead of text"),
	}
}

// allowLongFlag goes with --num-tokens: run and generate check the
// prompt's length against the model's.
func allowLongFlag() cli.Flag {
	return &cli.BoolFlag{Name: flagAllowLong, Category: catRun, EnvVars: envVar(flagAllowLong),
		Usage: "run a prompt whose tokens and steps need more positions than the model's max_position_embeddings, with a warning (refused otherwise, exit 3)"}
}

func numTokensFlag(def int) cli.Flag {
	return &cli.IntFlag{Name: flagNumTokens, Aliases: []string{"n"}, Value: def, Category: catRun, EnvVars: envVar(flagNumTokens),
		Usage: "tokens to generate (for run: analysis steps; step 0 is the prompt); stops early at <|im_end|>/EOS"}
}

func concatFlags(groups ...[]cli.Flag) []cli.Flag {
	var out []cli.Flag
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}
