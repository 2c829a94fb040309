// Package builtin is the registry of the plugins bundled into the vlmask
// binary: masking-text, masking-vision, masking-both and metrics. The CLI's
// hidden `vlmask serve-plugin <name>` command calls ServeBuiltin, and
// passes Names to core/pluginhost (Options.Builtins), which starts
// `vlmask serve-plugin <name>` as a separate process, so bundled plugins get
// the same process isolation as third-party ones. In-process callers (tests)
// use Masking and Metric.
//
// Calls go one way: cmd/vlmask → builtin → the plugin packages → sdk.
package builtin
