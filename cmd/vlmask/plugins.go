package main

import (
	"context"
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
	return []cli.Flag{
		&cli.StringSliceFlag{Name: flagPlugin, Category: catPlugins, EnvVars: []string{"VLMASK_PLUGINS"},
			Usage: "plugin to use, by name (repeatable): one masking strategy (replaces --mask-mode) and any extra metrics; see `vlmask plugins list`"},
		&cli.StringSliceFlag{Name: flagPluginConfig, Category: catPlugins,
			Usage: "configuration for a plugin, NAME=JSON (repeatable), e.g. region-window='{\"k\": 2}'"},
		pluginDirFlag(),
	}
}

func pluginDirFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: flagPluginDir, Category: catPlugins, EnvVars: envVar(flagPluginDir),
		Usage: "directory searched first for vlmask-plugin-* executables (repeatable); then $VLMASK_PLUGIN_DIR, ./.vlmask/plugins, the user data dir and the built-ins"}
}

// openPluginHost starts a plugin host over the search path, with the
// built-ins served by this executable.
func (a *app) openPluginHost(ctx context.Context, c *cli.Context) (*pluginhost.Host, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find vlmask's own executable to serve the built-in plugins: %w", err)
	}
	h, err := pluginhost.New(pluginhost.Options{
		Dirs: c.StringSlice(flagPluginDir), Builtins: builtin.Names(), SelfExe: self,
		Logger: a.log.Named("plugins"), Context: ctx,
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
		pluginhost.ErrBadPluginOutput,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}
