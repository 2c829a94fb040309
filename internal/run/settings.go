package run

import (
	"encoding/json"
	"path/filepath"
	"strings"

	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/core/results"
)

// DefaultOutput is the original tool's CLI-mode output name.
const DefaultOutput = "vl_masking_results"

// Settings are one analysis's settings.
type Settings struct {
	NumTokens            int
	Method               core.Method
	SkipPerHead          bool
	SaveAttentionWeights bool
	// MaskMode picks the built-in strategy (text, vision, both) unless
	// Plugins names one.
	MaskMode string
	// Plugins are plugin names: at most one masking strategy and any
	// metrics; PluginConfigs their configurations by name.
	Plugins       []string
	PluginConfigs map[string]json.RawMessage
	// Formats are the output formats, the first one the primary.
	Formats []results.Format
	// Command is the command line recorded in the results.
	Command string
	// Replace lets the run replace complete output files (--force); see
	// results.Options.Replace.
	Replace bool
	// Metadata is extra run metadata recorded in the results (a dataset
	// run's row id and shard); its keys must not be the run's own.
	Metadata map[string]string
	// EffectWindows, when not empty, adds the propagated knockout's
	// Effect_W{k} rows for each window k (--effect, --window).
	EffectWindows []int
}

// Validate checks the settings that need no model.
func (s Settings) Validate() error {
	if s.NumTokens < 1 {
		return usage("--num-tokens %d: must be at least 1", s.NumTokens)
	}
	if s.Method != core.MethodFast && s.Method != core.MethodRecompute {
		return usage("--method %q: want fast or recompute", s.Method)
	}
	strategy, err := MaskModePlugin(s.MaskMode)
	if err != nil {
		return err
	}
	// The exact check waits for the plugins (a --plugin may replace the
	// mask mode's strategy); this one catches a typo before the model loads.
	if err := configsLoaded(s.PluginConfigs, append([]string{DefaultMetrics, strategy}, s.Plugins...)); err != nil {
		return err
	}
	if len(s.Formats) == 0 {
		return usage("no output format")
	}
	for _, k := range s.EffectWindows {
		if k < 1 {
			return usage("--window %d: must be at least 1", k)
		}
	}
	return nil
}

// ParseFormats parses a comma-separated format list (parquet, csv).
func ParseFormats(list string) ([]results.Format, error) {
	var out []results.Format
	for _, f := range strings.Split(list, ",") {
		format, err := results.ParseFormat(strings.TrimSpace(f))
		if err != nil {
			return nil, usage("--format: %v", err)
		}
		out = append(out, format)
	}
	return out, nil
}

// OutputBase turns an output name into a path base: a bare name goes under
// output/, as the original tool wrote it; the extension is dropped.
func OutputBase(name string) string {
	name = strings.TrimSuffix(strings.TrimSuffix(name, ".parquet"), ".csv")
	if !strings.ContainsRune(name, filepath.Separator) {
		return filepath.Join("output", name)
	}
	return name
}

// ShellJoin quotes arguments so the command can be pasted back into a
// shell (the run metadata records it).
func ShellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
