package wire

// The go-plugin handshake. The magic cookie is a UX feature, not security:
// it lets a plugin binary started by hand say "this is a vlmask plugin"
// instead of hanging, and keeps vlmask from talking to a random executable.
const (
	MagicCookieKey   = "VLMASK_PLUGIN"
	MagicCookieValue = "5f0c2a6e9d4b41c7a3e8b17d2c90f64e"
)

// Dispense names: the keys of a go-plugin PluginSet.
const (
	// DispensePlugin is the base client (Describe, Configure) every plugin
	// serves, used to fingerprint a plugin of unknown kind.
	DispensePlugin  = "plugin"
	DispenseMasking = "masking"
	DispenseMetric  = "metric"
)

// EnvLogLevel carries the host's log level to the plugin process (trace,
// debug, info, warn, error or off).
const EnvLogLevel = "VLMASK_LOG"

// EnvParentPipe tells a plugin that its standard input is a pipe whose
// other end only the host holds (value ParentPipeStdin): when the host
// exits or is killed, the plugin reads end-of-file there and exits too.
// A host that does not set it (vlmask before protocol 1.1) leaves standard
// input alone, so a plugin must not watch it then.
const EnvParentPipe = "VLMASK_PLUGIN_PARENT_PIPE"

// ParentPipeStdin is EnvParentPipe's value: the pipe is standard input.
const ParentPipeStdin = "stdin"
