package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/go-hclog"
	"github.com/vlmask/vlmask/core/pluginhost"
	"github.com/vlmask/vlmask/plugins/builtin"
	"github.com/vlmask/vlmask/sdk"
)

// DefaultMetrics is the built-in metric every run uses: l2_distance and
// cosine_distance, the original tool's columns.
const DefaultMetrics = "metrics"

// Plugins say which plugin executables may run: where to look, what to
// trust, what they see.
type Plugins struct {
	// Dirs are searched first, then $VLMASK_PLUGIN_DIR, the user data
	// directory and the built-ins.
	Dirs []string
	// SearchWorkDir also searches ./.vlmask/plugins.
	SearchWorkDir bool
	// AllowShadowBuiltins lets a directory's plugin replace the built-in
	// of the same name.
	AllowShadowBuiltins bool
	// Checksums pin plugins by name to the SHA-256 of their executable.
	Checksums map[string][]byte
	// PassEnv names environment variables plugins get besides the minimal
	// set.
	PassEnv []string
}

// PluginHost starts a plugin host over the search path, with the
// built-in masking strategies served by this executable (`vlmask
// serve-plugin NAME`) and the built-in metric run inside it (it reads
// every layer's vectors; see pluginhost.Options.InProcessMetrics). ctx
// bounds the plugins' lifetime.
func PluginHost(ctx context.Context, p Plugins, log hclog.Logger) (*pluginhost.Host, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find vlmask's own executable to serve the built-in plugins: %w", err)
	}
	h, err := pluginhost.New(pluginhost.Options{
		Dirs: p.Dirs, Builtins: builtin.Names(), SelfExe: self, Logger: log, Context: ctx,
		InProcessMetrics: builtin.MetricConstructors(),
		SearchWorkDir:    p.SearchWorkDir, AllowShadowBuiltins: p.AllowShadowBuiltins,
		Checksums: p.Checksums, PassEnv: p.PassEnv,
	})
	if err != nil {
		return nil, withKind(KindPlugin, err)
	}
	return h, nil
}

// pluginChoice is the strategy and metrics of one selection.
type pluginChoice struct {
	strategy sdk.MaskingStrategy
	metrics  []sdk.Metric
}

// plugins returns the strategy and metrics of a run, starting them the
// first time a selection (plugin names, configs, mask mode) is asked for
// and reusing them for later prompts.
func (s *Session) plugins(ctx context.Context, set Settings) (pluginChoice, error) {
	key, err := json.Marshal([]any{set.Plugins, set.PluginConfigs, set.MaskMode})
	if err != nil {
		return pluginChoice{}, err
	}
	if ch, ok := s.chosen[string(key)]; ok {
		return ch, nil
	}
	if s.host == nil {
		if s.host, err = PluginHost(ctx, s.cfg.Plugins, s.log.Named("plugins")); err != nil {
			return pluginChoice{}, err
		}
	}
	strategy, metrics, err := selectPlugins(ctx, s.host, set.Plugins, set.PluginConfigs, set.MaskMode)
	if err != nil {
		return pluginChoice{}, err
	}
	ch := pluginChoice{strategy, metrics}
	s.chosen[string(key)] = ch
	return ch, nil
}

// selectPlugins resolves the strategy and metrics of a run: plugin names
// (each either a masking strategy or a metric), else the built-in strategy
// of the mask mode; the built-in metrics always come first.
func selectPlugins(ctx context.Context, h *pluginhost.Host, names []string, configs map[string]json.RawMessage, maskMode string) (sdk.MaskingStrategy, []sdk.Metric, error) {
	var strategy sdk.MaskingStrategy
	strategyName := ""
	metric, err := h.Metric(ctx, DefaultMetrics, configs[DefaultMetrics])
	if err != nil {
		return nil, nil, withKind(KindPlugin, err)
	}
	metrics := []sdk.Metric{metric}
	loaded := []string{DefaultMetrics}
	for _, name := range names {
		if name == DefaultMetrics {
			continue
		}
		loaded = append(loaded, name)
		st, err := h.Masking(ctx, name, configs[name])
		if err == nil {
			if strategy != nil {
				return nil, nil, usage("--plugin %s and --plugin %s are both masking strategies; a run uses one", strategyName, name)
			}
			strategy, strategyName = st, name
			continue
		}
		if !errors.Is(err, pluginhost.ErrPluginKind) {
			return nil, nil, withKind(KindPlugin, err)
		}
		m, err := h.Metric(ctx, name, configs[name])
		if err != nil {
			return nil, nil, withKind(KindPlugin, err)
		}
		metrics = append(metrics, m)
	}
	if strategy == nil {
		name, err := MaskModePlugin(maskMode)
		if err != nil {
			return nil, nil, err
		}
		if strategy, err = h.Masking(ctx, name, configs[name]); err != nil {
			return nil, nil, withKind(KindPlugin, err)
		}
		loaded = append(loaded, name)
	}
	if err := configsLoaded(configs, loaded); err != nil {
		return nil, nil, err
	}
	return strategy, metrics, nil
}

// configsLoaded checks that every --plugin-config names a plugin the run
// loads: a configuration nobody reads is a typo or a forgotten --plugin.
func configsLoaded(configs map[string]json.RawMessage, loaded []string) error {
	var unused []string
	for name := range configs {
		if !slices.Contains(loaded, name) {
			unused = append(unused, name)
		}
	}
	if len(unused) == 0 {
		return nil
	}
	slices.Sort(unused)
	return usage("--plugin-config %s: no plugin of that name is loaded (the run loads %s; add --plugin %s)",
		strings.Join(unused, ", "), strings.Join(loaded, ", "), unused[0])
}

// MaskModePlugin maps a mask mode to its built-in strategy. "all" is the
// original tool's configs' spelling of "both".
func MaskModePlugin(mode string) (string, error) {
	switch mode {
	case "text", "":
		return "masking-text", nil
	case "vision":
		return "masking-vision", nil
	case "both", "all":
		return "masking-both", nil
	}
	return "", usage("--mask-mode %q: want text, vision or both", mode)
}

// ParsePluginConfigs parses NAME=JSON values.
func ParsePluginConfigs(values []string) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, v := range values {
		name, raw, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return nil, usage("--plugin-config %q: want NAME=JSON", v)
		}
		if !json.Valid([]byte(raw)) {
			return nil, usage("--plugin-config %s: not valid JSON: %s", name, raw)
		}
		out[name] = json.RawMessage(raw)
	}
	return out, nil
}

// IsPluginError says whether err came from a plugin.
func IsPluginError(err error) bool {
	return slices.ContainsFunc([]error{
		pluginhost.ErrPluginNotFound, pluginhost.ErrPluginStart, pluginhost.ErrPluginExited,
		pluginhost.ErrPluginTimeout, pluginhost.ErrIncompatiblePlugin, pluginhost.ErrPluginKind,
		pluginhost.ErrBadPluginOutput, pluginhost.ErrChecksumMismatch,
	}, func(target error) bool { return errors.Is(err, target) })
}

// ParsePluginChecksums parses NAME=HEX pins (sha256sum of the executable).
func ParsePluginChecksums(values []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, v := range values {
		name, h, ok := strings.Cut(v, "=")
		sum, err := hex.DecodeString(strings.TrimSpace(h))
		if !ok || name == "" || err != nil || len(sum) != sha256.Size {
			return nil, usage("--plugin-sha256 %q: want NAME=HEX with 64 hex digits (sha256sum of the executable)", v)
		}
		out[name] = sum
	}
	return out, nil
}
