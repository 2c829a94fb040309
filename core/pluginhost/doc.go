// Package pluginhost finds, starts, watches and stops vlmask plugin
// processes, and hands them to the analysis as sdk.MaskingStrategy and
// sdk.Metric values, so core never knows a plugin is out of process.
//
// Order of events: New resolves the search path (Options.Dirs, then
// $VLMASK_PLUGIN_DIR, ./.vlmask/plugins only with Options.SearchWorkDir,
// the user data dir ($XDG_DATA_HOME/vlmask/plugins or
// ~/.local/share/vlmask/plugins), then the built-ins, which run as
// `<SelfExe> serve-plugin <name>`). A directory plugin with a built-in's
// name is skipped with a warning unless Options.AllowShadowBuiltins. List
// starts every candidate, asks Describe, checks its kind and protocol
// version, and stops it. Masking and Metric verify a pinned plugin's
// SHA-256 (Options.Checksums, go-plugin's SecureConfig), start the named
// plugin (the first of that name in search order) with a minimal
// environment, check it the same way, tell its client the protocol minor
// it speaks, Configure it, and return a wrapper that puts a deadline on
// every call, turns a crash into ErrPluginExited and a hang into
// ErrPluginTimeout (stopping the process), and validates every answer
// (sdk.ValidateMask, sdk.ValidateScore, sdk.ValidateColumns →
// ErrBadPluginOutput). OriginOf says where a plugin in use came from (path,
// sha256) for the run's metadata; a plugin from a directory not given on
// the command line, or one replacing a built-in, is announced at warning
// level. Close, or the end of Options.Context, stops every process the host
// started; after the context's end every failure also matches the
// context's error, so an interruption is never reported as a plugin fault.
//
// Plugins die with their host: each gets a pipe on its standard input whose
// write end only the host holds (the SDK exits when it reads end-of-file),
// so a host killed with SIGKILL or by the OOM killer leaves no plugin
// behind.
//
// Calls go one way: cmd/vlmask → pluginhost → sdk/hostrpc → plugin
// process. Plugin logs (hclog JSON on the plugin's stderr) are re-emitted
// under Options.Logger.Named(<plugin name>).
package pluginhost
