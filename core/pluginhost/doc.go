// Package pluginhost finds, starts, watches and stops vlmask plugin
// processes, and hands them to the analysis as sdk.MaskingStrategy and
// sdk.Metric values, so core never knows a plugin is out of process.
//
// Order of events: New resolves the search path (Options.Dirs, then
// $VLMASK_PLUGIN_DIR, ./.vlmask/plugins, the user data dir
// ($XDG_DATA_HOME/vlmask/plugins or ~/.local/share/vlmask/plugins), then
// the built-ins, which run as `<SelfExe> serve-plugin <name>`). List starts
// every candidate, asks Describe, checks its kind and protocol version, and
// stops it. Masking and Metric start the named plugin (the first of that
// name in search order), check it the same way, Configure it, and return a
// wrapper that puts a deadline on every call, turns a crash into
// ErrPluginExited and a hang into ErrPluginTimeout (stopping the process),
// and validates every answer (sdk.ValidateMask, sdk.ValidateScore,
// sdk.ValidateColumns → ErrBadPluginOutput). Close, or the end of
// Options.Context, stops every process the host started.
//
// Calls go one way: cmd/vlmask → pluginhost → sdk/hostrpc → plugin
// process. Plugin logs (hclog JSON on the plugin's stderr) are re-emitted
// under Options.Logger.Named(<plugin name>).
package pluginhost
