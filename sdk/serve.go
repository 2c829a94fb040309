package sdk

import (
	"context"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/vlmask/vlmask/sdk/internal/wire"
)

// ServeMasking serves s as a vlmask plugin process and returns when the
// host is done with it. Call it from main and do nothing else: standard
// output belongs to the protocol. Run by hand (not by vlmask), the binary
// says it is a plugin and exits with status 1.
func ServeMasking(s MaskingStrategy, opts ...ServeOption) {
	serve(plugin.PluginSet{wire.DispenseMasking: &maskingPlugin{impl: s}}, opts)
}

// ServeMetric serves m as a vlmask plugin process; see ServeMasking.
func ServeMetric(m Metric, opts ...ServeOption) {
	serve(plugin.PluginSet{wire.DispenseMetric: &metricPlugin{impl: m}}, opts)
}

// ServeOption changes how a plugin is served. Plugins need none; tests and
// debuggers use WithDebug.
type ServeOption func(*plugin.ServeConfig)

// WithDebug serves in-process for tests or a debugger instead of taking
// over the process: no handshake cookie is checked, the address to attach
// to is sent on reattach, serving ends when ctx is done, and closed (if not
// nil) is closed once serving has ended. go-plugin's own log is dropped
// (it reports the listener closing at the end as an error); the plugin's
// Logger and the RPC trace still log. sdk/sdktest uses it; plugin mains do
// not.
func WithDebug(ctx context.Context, reattach chan<- *plugin.ReattachConfig, closed chan<- struct{}) ServeOption {
	return func(c *plugin.ServeConfig) {
		c.Test = &plugin.ServeTestConfig{Context: ctx, ReattachConfigCh: reattach, CloseCh: closed}
		c.Logger = hclog.NewNullLogger()
	}
}

func serve(set plugin.PluginSet, opts []ServeOption) {
	log := Logger()
	cfg := &plugin.ServeConfig{
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  ProtocolMajor,
			MagicCookieKey:   wire.MagicCookieKey,
			MagicCookieValue: wire.MagicCookieValue,
		},
		VersionedPlugins: map[int]plugin.PluginSet{ProtocolMajor: set},
		GRPCServer: func(base []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(base, wire.ServerOptions(wire.ServerTrace(log))...)...)
		},
		Logger: log,
	}
	for _, o := range opts {
		o(cfg)
	}
	if cfg.Test == nil {
		watchParent(log)
	}
	plugin.Serve(cfg)
}
