package sdktest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-plugin/runner"
	"google.golang.org/grpc"

	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/hostrpc"
	pb "github.com/vlmask/vlmask/sdk/internal/pb/pluginv1"
	"github.com/vlmask/vlmask/sdk/internal/wire"
)

// ServeProtocol10Metric serves m in this process the way a plugin built
// with the protocol 1.0 SDK serves it, for hosts to test that old plugins
// keep working: Describe says protocol_minor 0, Score reads only the
// float32 vector fields (the float64 ones are unknown fields to a 1.0
// plugin, which it never reads) and hands m a request with float32 vectors
// only, and the answer carries only float32 values (Column.Float32s). It
// returns the configuration a go-plugin client attaches with; serving stops
// when the test ends.
func ServeProtocol10Metric(t testing.TB, m sdk.Metric) *plugin.ReattachConfig {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	log := hclog.NewNullLogger()
	go plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  hostrpc.Handshake(),
		VersionedPlugins: map[int]plugin.PluginSet{sdk.ProtocolMajor: {wire.DispenseMetric: &legacyMetricPlugin{impl: m}}},
		GRPCServer: func(base []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(base, wire.ServerOptions(wire.ServerTrace(log))...)...)
		},
		Logger: log,
		Test:   &plugin.ServeTestConfig{Context: ctx, ReattachConfigCh: reattach, CloseCh: closed},
	})
	select {
	case rc := <-reattach:
		rc.ReattachFunc = func() (runner.AttachedRunner, error) { return inProcessRunner{done: closed}, nil }
		t.Cleanup(func() { stopServing(rc, closed, cancel) })
		return rc
	case <-time.After(serveTimeout):
		cancel()
		<-closed
		t.Fatalf("sdktest: serve %T as a protocol 1.0 plugin: did not start within %s", m, serveTimeout)
	}
	return nil
}

// legacyMetricPlugin registers the 1.0 services.
type legacyMetricPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impl sdk.Metric
}

func (p *legacyMetricPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterPluginServer(s, &legacyPluginServer{impl: p.impl})
	pb.RegisterMetricServer(s, &legacyMetricServer{impl: p.impl})
	return nil
}

func (p *legacyMetricPlugin) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (any, error) {
	return nil, nil
}

type legacyPluginServer struct {
	pb.UnimplementedPluginServer
	impl sdk.Metric
}

func (s *legacyPluginServer) Describe(ctx context.Context, _ *pb.Describe_Request) (*pb.Describe_Response, error) {
	d, err := s.impl.Describe(ctx)
	if err != nil {
		return nil, err
	}
	variants := make([]string, len(d.Variants))
	for i, v := range d.Variants {
		variants[i] = string(v)
	}
	return &pb.Describe_Response{
		Name: d.Name, Version: d.Version, Kind: pb.Kind_KIND_METRIC, ProtocolMinor: 0,
		Summary: d.Summary, Columns: d.Columns, Variants: variants,
		Capabilities:     &pb.Capabilities{NeedsUnembedding: d.Capabilities.NeedsUnembedding},
		ConfigSchemaJson: d.ConfigSchemaJSON,
	}, nil
}

func (s *legacyPluginServer) Configure(ctx context.Context, req *pb.Configure_Request) (*pb.Configure_Response, error) {
	if err := s.impl.Configure(ctx, json.RawMessage(req.GetConfigJson())); err != nil {
		return nil, err
	}
	return &pb.Configure_Response{}, nil
}

type legacyMetricServer struct {
	pb.UnimplementedMetricServer
	impl sdk.Metric
}

func (s *legacyMetricServer) Score(ctx context.Context, r *pb.Score_Request) (*pb.Score_Response, error) {
	req := sdk.ScoreRequest{Step: int(r.GetStep()), Layer: int(r.GetLayer()), TargetTokenID: int(r.GetTargetTokenId())}
	for _, g := range r.GetGroups() {
		grp := sdk.Group{Label: g.GetLabel()}
		for _, p := range g.GetPositions() {
			grp.Positions = append(grp.Positions, int(p))
		}
		req.Groups = append(req.Groups, grp)
	}
	var err error
	for _, b := range r.GetBatches() {
		vb := sdk.VectorBatch{Variant: b.GetVariant(), Dim: int(b.GetDim())}
		if vb.Baseline, err = wire.UnpackFloat32s(b.GetBaseline()); err != nil {
			return nil, err
		}
		if vb.Masked, err = wire.UnpackFloat32s(b.GetMasked()); err != nil {
			return nil, err
		}
		req.Batches = append(req.Batches, vb)
	}
	if req.Unembedding, err = wire.UnpackFloat32s(r.GetUnembedding()); err != nil {
		return nil, err
	}
	resp, err := s.impl.Score(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &pb.Score_Response{}
	for _, c := range resp.Columns {
		out.Columns = append(out.Columns, &pb.Column{Name: c.Name, Values: wire.PackFloat32s(c.Float32s())})
	}
	return out, nil
}
