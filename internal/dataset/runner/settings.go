package runner

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/vlmask/vlmask/internal/dataset"
	"github.com/vlmask/vlmask/internal/dataset/store"
	"github.com/vlmask/vlmask/internal/run"
)

// RowSettings are one row's settings: a setting given on the command line
// (o) wins, else the row's own, else the run's (base). Plugins are the
// run's followed by the row's; a plugin configured both on the command
// line and in the row takes the command line's configuration. The second
// result is the row's image downscaling limit (0: none).
func RowSettings(base run.Settings, o run.Overrides, r dataset.Row) (run.Settings, int) {
	set := base
	set.NumTokens = pick(o.NumTokens, r.NumTokens > 0, r.NumTokens, base.NumTokens)
	set.MaskMode = pick(o.MaskMode, r.MaskMode != "", r.MaskMode, base.MaskMode)
	set.SkipPerHead = pick(o.SkipPerHead, r.SkipPerHead != nil, deref(r.SkipPerHead), base.SkipPerHead)
	set.SaveAttentionWeights = pick(o.SaveAttentionWeights, r.SaveAttentionWeights != nil, deref(r.SaveAttentionWeights), base.SaveAttentionWeights)
	maxRes := pick(o.MaxImageResolution, r.MaxImageResolution > 0, r.MaxImageResolution, 0)
	set.Plugins = slices.Clone(base.Plugins)
	for _, p := range r.Plugins {
		if !slices.Contains(set.Plugins, p) {
			set.Plugins = append(set.Plugins, p)
		}
	}
	set.PluginConfigs = maps.Clone(r.PluginConfigs)
	if set.PluginConfigs == nil && len(base.PluginConfigs) > 0 {
		set.PluginConfigs = map[string]json.RawMessage{}
	}
	maps.Copy(set.PluginConfigs, base.PluginConfigs)
	set.Metadata = maps.Clone(base.Metadata)
	return set, maxRes
}

func pick[T any](override *T, rowHas bool, row, def T) T {
	switch {
	case override != nil:
		return *override
	case rowHas:
		return row
	}
	return def
}

func deref(b *bool) bool { return b != nil && *b }

// layoutSettings are the settings a model's rows must share across the
// runs into one output directory (see store.Layout): everything that
// shapes rows, except the mask mode, a partition key of its own.
func layoutSettings(base run.Settings, o run.Overrides) map[string]string {
	perRow := func(override *string, def string) string {
		if override != nil {
			return *override
		}
		return "per row, else " + def
	}
	str := func(p any) *string {
		switch v := p.(type) {
		case *int:
			if v != nil {
				s := strconv.Itoa(*v)
				return &s
			}
		case *bool:
			if v != nil {
				s := strconv.FormatBool(*v)
				return &s
			}
		}
		return nil
	}
	configs, _ := json.Marshal(base.PluginConfigs) // raw JSON values always encode
	formats := make([]string, len(base.Formats))
	for i, f := range base.Formats {
		formats[i] = string(f)
	}
	return map[string]string{
		"method":                 string(base.Method),
		"formats":                strings.Join(formats, ","),
		"plugins":                strings.Join(base.Plugins, ","),
		"plugin_configs":         string(configs),
		"num_tokens":             perRow(str(o.NumTokens), strconv.Itoa(base.NumTokens)),
		"skip_per_head":          perRow(str(o.SkipPerHead), strconv.FormatBool(base.SkipPerHead)),
		"save_attention_weights": perRow(str(o.SaveAttentionWeights), strconv.FormatBool(base.SaveAttentionWeights)),
		"max_image_resolution":   perRow(str(o.MaxImageResolution), "0"),
	}
}

// builtinModes maps the built-in strategies to the mask modes that select
// them.
var builtinModes = map[string]string{"masking-text": "text", "masking-vision": "vision", "masking-both": "both"}

// staticPartition is the mask_mode partition of settings that name no
// plugin: the mask mode, spelled as a partition value.
func staticPartition(set run.Settings) (string, error) {
	mode := set.MaskMode
	if mode == "" {
		mode = "text"
	}
	m, err := dataset.NormalizeMaskMode(mode)
	if err != nil {
		return "", &run.Error{Kind: run.KindUsage, Err: fmt.Errorf("--mask-mode: %w", err)}
	}
	return m, nil
}

// strategyPartition is the mask_mode partition of a strategy's name: the
// mode of a built-in, else the plugin's name.
func strategyPartition(name string) string {
	if mode, ok := builtinModes[name]; ok {
		return mode
	}
	return store.Label(name)
}
