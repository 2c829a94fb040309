package hostrpc

import (
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/internal/wire"
)

// Dispense names: the keys of the plugin sets.
const (
	// DispensePlugin gives a Base client, served by every plugin: used to
	// fingerprint a plugin before its kind is known.
	DispensePlugin = wire.DispensePlugin
	// DispenseMasking gives an sdk.MaskingStrategy.
	DispenseMasking = wire.DispenseMasking
	// DispenseMetric gives an sdk.Metric.
	DispenseMetric = wire.DispenseMetric
)

// EnvLogLevel is the environment variable that carries the host's log level
// to a plugin process, read by sdk.Logger.
const EnvLogLevel = wire.EnvLogLevel

// EnvParentPipe and ParentPipeStdin: the host gives a plugin a pipe on its
// standard input that only the host holds open, and says so in this
// variable, so the plugin exits when the host is gone (sdk.ServeMasking
// and sdk.ServeMetric watch it).
const (
	EnvParentPipe   = wire.EnvParentPipe
	ParentPipeStdin = wire.ParentPipeStdin
)

// MaxMessageBytes bounds one message in either direction; see the numbers
// in the sdk README.
const MaxMessageBytes = wire.MaxMessageBytes

// Handshake is the go-plugin handshake of the plugin protocol. Its magic
// cookie (VLMASK_PLUGIN) is a UX feature, not security: it keeps vlmask
// from talking to unrelated executables and tells a user who runs a plugin
// by hand what it is.
func Handshake() plugin.HandshakeConfig {
	return plugin.HandshakeConfig{
		ProtocolVersion:  sdk.ProtocolMajor,
		MagicCookieKey:   wire.MagicCookieKey,
		MagicCookieValue: wire.MagicCookieValue,
	}
}

// PluginSets are the host's go-plugin VersionedPlugins: protocol major →
// dispensable clients (DispensePlugin, DispenseMasking, DispenseMetric).
func PluginSets() map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{
		sdk.ProtocolMajor: {
			DispensePlugin:  &clientPlugin{kind: ""},
			DispenseMasking: &clientPlugin{kind: sdk.KindMasking},
			DispenseMetric:  &clientPlugin{kind: sdk.KindMetric},
		},
	}
}

// DialOptions are the gRPC options a host dials plugins with: the message
// size limits and a per-RPC trace interceptor logging to log.
func DialOptions(log hclog.Logger) []grpc.DialOption {
	return append(wire.DialOptions(), grpc.WithChainUnaryInterceptor(wire.ClientTrace(log)))
}
