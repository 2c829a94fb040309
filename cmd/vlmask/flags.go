package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// Flag names, shared by the commands that read them.
const (
	flagLogLevel = "log-level"
	flagVerbose  = "verbose"
	flagQuiet    = "quiet"
	flagJSON     = "json"

	flagORTLib = "ort-lib"
	flagDevice = "device"

	flagModel       = "model"
	flagImage       = "image"
	flagPrompt      = "prompt"
	flagMaxImageRes = "max-image-resolution"

	flagNumTokens            = "num-tokens"
	flagMaskMode             = "mask-mode"
	flagSkipPerHead          = "skip-per-head"
	flagSaveAttentionWeights = "save-attention-weights"
	flagMethod               = "method"
	flagBatchSize            = "batch-size"
	flagConfig               = "config"
	flagResume               = "resume"

	flagOutput = "output"
	flagFormat = "format"

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

func globalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagLogLevel, Value: "warn", Category: catLogging, EnvVars: []string{"VLMASK_LOG", "VLMASK_LOG_LEVEL"},
			Usage: "log level on stderr: trace, debug, info, warn, error, off"},
		&cli.BoolFlag{Name: flagVerbose, Category: catLogging, EnvVars: envVar(flagVerbose),
			Usage: "log at info level: the device chosen, load time and peak memory, plugin starts"},
	}
}

func runtimeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagORTLib, Category: catRuntime, EnvVars: envVar(flagORTLib),
			Usage: "path of the ONNX Runtime shared library (default: the cache filled by `make ort`, then the system's)"},
		&cli.StringFlag{Name: flagDevice, Value: "auto", Category: catRuntime, EnvVars: envVar(flagDevice),
			Usage: "where to run: auto (CUDA when its provider loads, else CPU), cpu or cuda"},
	}
}

func modelFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagModel, Aliases: []string{"m"}, Category: catModel, EnvVars: envVar(flagModel),
			Usage: "Hugging Face checkpoint directory (config.json, *.safetensors, tokenizer.json, ...)"},
		&cli.StringSliceFlag{Name: flagImage, Aliases: []string{"i"}, Category: catModel,
			Usage: "image file (PNG, JPEG, GIF, WebP); repeat for several images, placed before the text in order"},
		&cli.StringFlag{Name: flagPrompt, Aliases: []string{"p"}, Category: catModel,
			Usage: "prompt text, or the path of a .txt file holding it"},
		&cli.IntFlag{Name: flagMaxImageRes, Category: catModel, EnvVars: envVar(flagMaxImageRes),
			Usage: "downscale images (in memory) so the longest side is at most this many pixels"},
	}
}

func jsonFlag(usage string) cli.Flag {
	return &cli.BoolFlag{Name: flagJSON, Category: catOutput, Usage: usage}
}
