package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/core/pluginhost"
	"github.com/vlmask/vlmask/plugins/builtin"
	"github.com/vlmask/vlmask/sdk"
)

// defaultMetrics is the built-in metric every run uses: l2_distance and
// cosine_distance, the original tool's columns.
const defaultMetrics = "metrics"

func pluginFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringSliceFlag{Name: flagPlugin, Category: catPlugins, EnvVars: []string{"VLMASK_PLUGINS"},
			Usage: "plugin to use, by name (repeatable): one masking strategy (replaces --mask-mode) and any extra metrics; see `vlmask plugins list`"},
		&cli.StringSliceFlag{Name: flagPluginConfig, Category: catPlugins,
			Usage: "configuration for a plugin, NAME=JSON (repeatable), e.g. region-window='{\"k\": 2}'"},
	}, pluginSearchFlags()...)
}

// pluginSearchFlags are the flags that decide which plugin executables may
// run: where to look, what to trust, what they see.
func pluginSearchFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: flagPluginDir, Category: catPlugins, EnvVars: envVar(flagPluginDir),
			Usage: "directory searched first for vlmask-plugin-* executables (repeatable); then $VLMASK_PLUGIN_DIR, the user data dir and the built-ins"},
		&cli.BoolFlag{Name: flagPluginSearchCwd, Category: catPlugins, EnvVars: envVar(flagPluginSearchCwd),
			Usage: "also search ./.vlmask/plugins in the working directory (off: a directory anyone can drop files into must not decide what runs)"},
		&cli.BoolFlag{Name: flagPluginAllowShadow, Category: catPlugins, EnvVars: envVar(flagPluginAllowShadow),
			Usage: "let a plugin found in a directory replace the built-in of the same name (off: such a plugin is skipped with a warning)"},
		&cli.StringSliceFlag{Name: flagPluginSHA256, Category: catPlugins, EnvVars: envVar(flagPluginSHA256),
			Usage: "pin a plugin to the SHA-256 of its executable, NAME=HEX (repeatable); a mismatch refuses to start it"},
		&cli.StringSliceFlag{Name: flagPluginEnv, Category: catPlugins, EnvVars: envVar(flagPluginEnv),
			Usage: "pass this environment variable to plugins (repeatable); they get only PATH, HOME, locale and temp-dir variables otherwise"},
	}
}

// openPluginHost starts a plugin host over the search path, with the
// built-ins served by this executable.
func (a *app) openPluginHost(ctx context.Context, c *cli.Context) (*pluginhost.Host, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find vlmask's own executable to serve the built-in plugins: %w", err)
	}
	pins, err := pluginChecksums(c.StringSlice(flagPluginSHA256))
	if err != nil {
		return nil, err
	}
	h, err := pluginhost.New(pluginhost.Options{
		Dirs: c.StringSlice(flagPluginDir), Builtins: builtin.Names(), SelfExe: self,
		Logger: a.log.Named("plugins"), Context: ctx,
		SearchWorkDir: c.Bool(flagPluginSearchCwd), AllowShadowBuiltins: c.Bool(flagPluginAllowShadow),
		Checksums: pins, PassEnv: c.StringSlice(flagPluginEnv),
	})
	if err != nil {
		return nil, withCode(ExitPlugin, err)
	}
	return h, nil
}

// selectPlugins resolves the strategy and metrics of a run: --plugin names
// (each either a masking strategy or a metric), else the built-in strategy
// of the mask mode; the built-in metrics always come first.
func selectPlugins(ctx context.Context, h *pluginhost.Host, names []string, configs map[string]json.RawMessage, maskMode string) (sdk.MaskingStrategy, []sdk.Metric, error) {
	var strategy sdk.MaskingStrategy
	strategyName := ""
	metric, err := h.Metric(ctx, defaultMetrics, nil)
	if err != nil {
		return nil, nil, withCode(ExitPlugin, err)
	}
	metrics := []sdk.Metric{metric}
	for _, name := range names {
		if name == defaultMetrics {
			continue
		}
		s, err := h.Masking(ctx, name, configs[name])
		if err == nil {
			if strategy != nil {
				return nil, nil, usageErr("--plugin %s and --plugin %s are both masking strategies; a run uses one", strategyName, name)
			}
			strategy, strategyName = s, name
			continue
		}
		if !errors.Is(err, pluginhost.ErrPluginKind) {
			return nil, nil, withCode(ExitPlugin, err)
		}
		m, err := h.Metric(ctx, name, configs[name])
		if err != nil {
			return nil, nil, withCode(ExitPlugin, err)
		}
		metrics = append(metrics, m)
	}
	if strategy == nil {
		name, err := maskModePlugin(maskMode)
		if err != nil {
			return nil, nil, err
		}
		if strategy, err = h.Masking(ctx, name, nil); err != nil {
			return nil, nil, withCode(ExitPlugin, err)
		}
	}
	return strategy, metrics, nil
}

// maskModePlugin maps --mask-mode to its built-in strategy. "all" is the
// original tool's configs' spelling of "both".
func maskModePlugin(mode string) (string, error) {
	switch mode {
	case "text", "":
		return "masking-text", nil
	case "vision":
		return "masking-vision", nil
	case "both", "all":
		return "masking-both", nil
	}
	return "", usageErr("--mask-mode %q: want text, vision or both", mode)
}

// pluginChecksums parses --plugin-sha256 NAME=HEX values.
func pluginChecksums(values []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, v := range values {
		name, h, ok := strings.Cut(v, "=")
		sum, err := hex.DecodeString(strings.TrimSpace(h))
		if !ok || name == "" || err != nil || len(sum) != sha256.Size {
			return nil, usageErr("--plugin-sha256 %q: want NAME=HEX with 64 hex digits (sha256sum of the executable)", v)
		}
		out[name] = sum
	}
	return out, nil
}

// pluginConfigs parses --plugin-config NAME=JSON values.
func pluginConfigs(values []string) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, v := range values {
		name, raw, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return nil, usageErr("--plugin-config %q: want NAME=JSON", v)
		}
		if !json.Valid([]byte(raw)) {
			return nil, usageErr("--plugin-config %s: not valid JSON: %s", name, raw)
		}
		out[name] = json.RawMessage(raw)
	}
	return out, nil
}

// isPluginError says whether err came from a plugin.
func isPluginError(err error) bool {
	for _, target := range []error{
		pluginhost.ErrPluginNotFound, pluginhost.ErrPluginStart, pluginhost.ErrPluginExited,
		pluginhost.ErrPluginTimeout, pluginhost.ErrIncompatiblePlugin, pluginhost.ErrPluginKind,
		pluginhost.ErrBadPluginOutput, pluginhost.ErrChecksumMismatch,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}
