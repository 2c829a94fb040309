package builtin

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	maskingboth "github.com/vlmask/vlmask/plugins/masking-both"
	maskingtext "github.com/vlmask/vlmask/plugins/masking-text"
	maskingvision "github.com/vlmask/vlmask/plugins/masking-vision"
	"github.com/vlmask/vlmask/plugins/metrics"
	"github.com/vlmask/vlmask/sdk"
)

// ErrUnknown reports a name that is not a built-in plugin.
var ErrUnknown = errors.New("unknown built-in plugin")

func maskingConstructors() map[string]func() sdk.MaskingStrategy {
	return map[string]func() sdk.MaskingStrategy{
		maskingtext.Name:   maskingtext.New,
		maskingvision.Name: maskingvision.New,
		maskingboth.Name:   maskingboth.New,
	}
}

func metricConstructors() map[string]func() sdk.Metric {
	return map[string]func() sdk.Metric{
		metrics.Name: metrics.New,
	}
}

// Names lists every built-in plugin, sorted.
func Names() []string {
	names := slices.Collect(maps.Keys(maskingConstructors()))
	names = append(names, slices.Collect(maps.Keys(metricConstructors()))...)
	slices.Sort(names)
	return names
}

// MetricConstructors returns the built-in metrics' constructors by name,
// for a host that runs them in its own process
// (pluginhost.Options.InProcessMetrics).
func MetricConstructors() map[string]func() sdk.Metric { return metricConstructors() }

// Masking returns a fresh instance of the built-in masking strategy name.
func Masking(name string) (sdk.MaskingStrategy, bool) {
	newFn, ok := maskingConstructors()[name]
	if !ok {
		return nil, false
	}
	return newFn(), true
}

// Metric returns a fresh instance of the built-in metric name.
func Metric(name string) (sdk.Metric, bool) {
	newFn, ok := metricConstructors()[name]
	if !ok {
		return nil, false
	}
	return newFn(), true
}

// ServeBuiltin serves the built-in plugin name as a plugin process and
// returns when the host is done with it. It is what `vlmask serve-plugin
// <name>` runs; an unknown name returns ErrUnknown listing the known ones.
func ServeBuiltin(name string) error {
	if s, ok := Masking(name); ok {
		sdk.ServeMasking(s)
		return nil
	}
	if m, ok := Metric(name); ok {
		sdk.ServeMetric(m)
		return nil
	}
	return fmt.Errorf("serve plugin %q (built-ins: %v): %w", name, Names(), ErrUnknown)
}
