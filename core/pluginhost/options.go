package pluginhost

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/vlmask/vlmask/sdk"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
)

// ServePluginCommand is the hidden CLI command that serves a built-in
// plugin: the host runs `<SelfExe> serve-plugin <name>`.
const ServePluginCommand = "serve-plugin"

// Default timeouts.
const (
	DefaultCallTimeout  = 2 * time.Minute
	DefaultStartTimeout = 30 * time.Second
)

// Options configure a Host. The zero value searches only the standard
// directories and has no built-ins.
type Options struct {
	// Dirs are searched first, in order (the CLI's --plugin-dir).
	Dirs []string
	// Builtins are the names of plugins bundled into SelfExe, served by
	// `SelfExe serve-plugin <name>`; they come last in search order.
	Builtins []string
	// SelfExe is the executable that serves the built-ins; os.Executable()
	// when empty.
	SelfExe string
	// InProcessMetrics are built-in metrics, by name, that the host runs
	// in its own process with the library the built-in's process would
	// serve, instead of starting SelfExe for them: a metric receives every
	// layer's vectors (about 100 MB per layer of an 8B model), and a
	// process boundary would cost far more than the metric itself. A
	// directory plugin that shadows the built-in still runs as a process.
	InProcessMetrics map[string]func() sdk.Metric
	// Logger receives the host's log and, under Named(<plugin name>), every
	// plugin's. Its level is passed to plugins (VLMASK_LOG). Silent when nil.
	Logger hclog.Logger
	// CallTimeout bounds every call to a plugin; DefaultCallTimeout when 0.
	CallTimeout time.Duration
	// StartTimeout bounds a plugin's start and handshake;
	// DefaultStartTimeout when 0.
	StartTimeout time.Duration
	// Context, when set, is the host's lifetime: when it ends, the host
	// closes as by Close.
	Context context.Context
	// Reattach names plugins already running (served with sdk.WithDebug,
	// e.g. by sdktest.ServeInProcess or under a debugger) to attach to
	// instead of starting; they come first in search order. The host does
	// not stop them.
	Reattach map[string]*plugin.ReattachConfig
	// Getenv reads the environment (VLMASK_PLUGIN_DIR, XDG_DATA_HOME, HOME);
	// os.Getenv when nil.
	Getenv func(string) string
	// WorkDir is the directory relative Dirs and ./.vlmask/plugins are
	// resolved against; the current directory when empty.
	WorkDir string
	// SearchWorkDir adds WorkDir/.vlmask/plugins to the search path (after
	// $VLMASK_PLUGIN_DIR). Off by default: a directory someone else can
	// write into (a cloned repository, a shared folder) must not decide
	// which code vlmask runs.
	SearchWorkDir bool
	// AllowShadowBuiltins lets a plugin found in a directory replace the
	// built-in of the same name. Off by default: such a plugin is skipped
	// with a warning and the built-in is used.
	AllowShadowBuiltins bool
	// Checksums pins plugins by name to the SHA-256 of their executable
	// (32 bytes; for a built-in, vlmask's own executable). A pinned plugin
	// whose file differs is not started (ErrChecksumMismatch); the check is
	// go-plugin's SecureConfig.
	Checksums map[string][]byte
	// PassEnv names environment variables passed to plugins beyond the
	// minimal set (see pluginEnv); plugins get nothing else of the host's
	// environment.
	PassEnv []string
}

// withDefaults fills in the defaults of unset fields.
func (o Options) withDefaults() (Options, error) {
	if o.Logger == nil {
		o.Logger = hclog.NewNullLogger()
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = DefaultStartTimeout
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.WorkDir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return o, fmt.Errorf("plugin host: working directory: %w", err)
		}
		o.WorkDir = wd
	}
	if o.SelfExe == "" && len(o.Builtins) > 0 {
		exe, err := os.Executable()
		if err != nil {
			return o, fmt.Errorf("plugin host: find own executable for built-in plugins: %w", err)
		}
		o.SelfExe = exe
	}
	return o, nil
}

// logLevel is the level name passed to plugins through VLMASK_LOG.
func logLevel(l hclog.Logger) string {
	switch lv := l.GetLevel(); lv {
	case hclog.NoLevel:
		return hclog.Info.String()
	default:
		return lv.String()
	}
}
