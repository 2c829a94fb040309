package sdktest

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-plugin/runner"

	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/hostrpc"
)

var _ runner.AttachedRunner = inProcessRunner{}

// serveTimeout bounds how long an in-process plugin may take to start.
const serveTimeout = 10 * time.Second

// ServeInProcess serves impl (an sdk.MaskingStrategy or an sdk.Metric) in
// this process with go-plugin's test mode, and returns the configuration a
// go-plugin client (such as core/pluginhost's Options.Reattach) attaches
// with. Serving stops when the test ends.
func ServeInProcess(t testing.TB, impl any) *plugin.ReattachConfig {
	t.Helper()
	masking, isMasking := impl.(sdk.MaskingStrategy)
	metric, isMetric := impl.(sdk.Metric)
	if isMasking == isMetric {
		t.Fatalf("sdktest: serve %T: want exactly one of sdk.MaskingStrategy and sdk.Metric", impl)
	}
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	opt := sdk.WithDebug(ctx, reattach, closed)
	if isMasking {
		go sdk.ServeMasking(masking, opt)
	} else {
		go sdk.ServeMetric(metric, opt)
	}
	select {
	case rc := <-reattach:
		rc.ReattachFunc = func() (runner.AttachedRunner, error) { return inProcessRunner{done: closed}, nil }
		t.Cleanup(func() { stopServing(rc, closed, cancel) })
		return rc
	case <-closed:
		cancel()
		t.Fatalf("sdktest: serve %T: plugin stopped before it served", impl)
	case <-time.After(serveTimeout):
		cancel()
		<-closed
		t.Fatalf("sdktest: serve %T: plugin did not start within %s", impl, serveTimeout)
	}
	return nil
}

// stopServing ends an in-process plugin the way a host does, with
// go-plugin's Shutdown call, unless a client already shut it down. Cancelling
// the serve context instead is only the fallback: go-plugin stops its server
// from both the Shutdown handler and the cancelled Serve without a lock, so
// doing both races.
func stopServing(rc *plugin.ReattachConfig, closed <-chan struct{}, cancel context.CancelFunc) {
	defer cancel()
	select {
	case <-closed:
		return
	default:
	}
	if rpc, err := reattach(rc, hclog.NewNullLogger()).Client(); err == nil {
		_ = rpc.Close() // sends Shutdown
	}
	select {
	case <-closed:
		return
	case <-time.After(serveTimeout):
	}
	cancel()
	<-closed
}

// DispenseMasking serves s in-process and returns a client that reaches it
// over real gRPC, as the host would. The connection closes when the test
// ends.
func DispenseMasking(t testing.TB, s sdk.MaskingStrategy) sdk.MaskingStrategy {
	t.Helper()
	raw := dispense(t, s, hostrpc.DispenseMasking)
	c, ok := raw.(sdk.MaskingStrategy)
	if !ok {
		t.Fatalf("sdktest: dispensed %T, not an sdk.MaskingStrategy", raw)
	}
	return c
}

// DispenseMetric serves m in-process and returns a client that reaches it
// over real gRPC, as the host would: it asks Describe and, as the host
// does, sends float64 vectors when the plugin's protocol minor has them.
// The connection closes when the test ends.
func DispenseMetric(t testing.TB, m sdk.Metric) sdk.Metric {
	t.Helper()
	raw := dispense(t, m, hostrpc.DispenseMetric)
	c, ok := raw.(sdk.Metric)
	if !ok {
		t.Fatalf("sdktest: dispensed %T, not an sdk.Metric", raw)
	}
	d, err := c.Describe(context.Background())
	if err != nil {
		t.Fatalf("sdktest: Describe over gRPC: %v", err)
	}
	if n, ok := raw.(hostrpc.Negotiator); ok {
		n.SetPeerProtocolMinor(d.ProtocolMinor)
	}
	return c
}

func dispense(t testing.TB, impl any, name string) any {
	t.Helper()
	rc := ServeInProcess(t, impl)
	log := hclog.New(&hclog.LoggerOptions{Name: "sdktest", Level: hclog.Warn, Output: os.Stderr})
	rpc, err := reattach(rc, log).Client()
	if err != nil {
		t.Fatalf("sdktest: connect to %T: %v", impl, err)
	}
	t.Cleanup(func() { _ = rpc.Close() })
	raw, err := rpc.Dispense(name)
	if err != nil {
		t.Fatalf("sdktest: dispense %s: %v", name, err)
	}
	return raw
}

// reattach is a go-plugin client of the plugin rc names, configured as the
// host configures its clients.
func reattach(rc *plugin.ReattachConfig, log hclog.Logger) *plugin.Client {
	return plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  hostrpc.Handshake(),
		VersionedPlugins: hostrpc.PluginSets(),
		Reattach:         rc,
		Plugins:          hostrpc.PluginSets()[sdk.ProtocolMajor],
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		GRPCDialOptions:  hostrpc.DialOptions(log),
		Logger:           log,
	})
}

// inProcessRunner stands for the test process itself when a client
// reattaches to a plugin served by ServeInProcess: waiting ends when serving
// does, and killing does nothing (the test stops serving).
type inProcessRunner struct {
	done <-chan struct{}
}

func (r inProcessRunner) Wait(context.Context) error {
	<-r.done
	return nil
}

func (inProcessRunner) Kill(context.Context) error { return nil }
func (inProcessRunner) ID() string                 { return strconv.Itoa(os.Getpid()) }

func (inProcessRunner) PluginToHost(network, addr string) (string, string, error) {
	return network, addr, nil
}

func (inProcessRunner) HostToPlugin(network, addr string) (string, string, error) {
	return network, addr, nil
}
