package hostrpc

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/internal/convert"
	pb "github.com/vlmask/vlmask/sdk/internal/pb/pluginv1"
	"github.com/vlmask/vlmask/sdk/internal/wire"
)

// Base is what every plugin serves, whatever its kind.
type Base interface {
	Describe(ctx context.Context) (sdk.Description, error)
	Configure(ctx context.Context, config json.RawMessage) error
}

// Negotiator is implemented by the clients NewClient returns. The host
// tells a client the protocol minor its plugin declared in Describe, and
// the client then uses what that minor added: from 1.1, metric vectors
// travel in float64. Until told, a client speaks 1.0, which every plugin of
// this major understands.
type Negotiator interface {
	SetPeerProtocolMinor(minor int)
}

var (
	_ plugin.GRPCPlugin   = (*clientPlugin)(nil)
	_ Base                = (*baseClient)(nil)
	_ sdk.MaskingStrategy = (*maskingClient)(nil)
	_ sdk.Metric          = (*metricClient)(nil)
	_ Negotiator          = (*baseClient)(nil)
)

// clientPlugin is the host's half of a go-plugin plugin type: it only
// builds clients. The serving half is in package sdk.
type clientPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	kind sdk.Kind
}

func (p *clientPlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error {
	return errors.New("hostrpc: this is the host's side of the protocol; plugins serve with sdk.ServeMasking or sdk.ServeMetric")
}

func (p *clientPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (any, error) {
	return NewClient(conn, p.kind), nil
}

// NewClient wraps a connection to a plugin: a Base for kind "", an
// sdk.MaskingStrategy for sdk.KindMasking, an sdk.Metric for sdk.KindMetric.
// go-plugin calls it through PluginSets; call it directly only for a
// connection made some other way.
func NewClient(conn grpc.ClientConnInterface, kind sdk.Kind) Base {
	base := &baseClient{rpc: pb.NewPluginClient(conn)}
	switch kind {
	case sdk.KindMasking:
		return &maskingClient{baseClient: base, rpc: pb.NewMaskingClient(conn)}
	case sdk.KindMetric:
		return &metricClient{baseClient: base, rpc: pb.NewMetricClient(conn)}
	}
	return base
}

type baseClient struct {
	rpc       pb.PluginClient
	peerMinor atomic.Int32 // the plugin's protocol minor, as the host was told
}

// SetPeerProtocolMinor records the plugin's protocol minor (Negotiator).
func (c *baseClient) SetPeerProtocolMinor(minor int) { c.peerMinor.Store(int32(minor)) }

func (c *baseClient) Describe(ctx context.Context) (sdk.Description, error) {
	resp, err := c.rpc.Describe(ctx, &pb.Describe_Request{}, wire.CallOptions()...)
	if err != nil {
		return sdk.Description{}, fromStatus(err)
	}
	return describeFromProto(resp), nil
}

func (c *baseClient) Configure(ctx context.Context, config json.RawMessage) error {
	_, err := c.rpc.Configure(ctx, &pb.Configure_Request{ConfigJson: config}, wire.CallOptions()...)
	return fromStatus(err)
}

// minorFloat64 is the protocol minor that added float64 vectors and
// results (VectorBatch.baseline_f64, Column.values_f64).
const minorFloat64 = 1

type maskingClient struct {
	*baseClient
	rpc pb.MaskingClient
}

func (c *maskingClient) Mask(ctx context.Context, req sdk.MaskRequest) (sdk.MaskResponse, error) {
	resp, err := c.rpc.Mask(ctx, &pb.Mask_Request{Sequence: sequenceToProto(req.Sequence)}, wire.CallOptions()...)
	if err != nil {
		return sdk.MaskResponse{}, fromStatus(err)
	}
	return sdk.MaskResponse{Groups: convert.GroupsFromProto[sdk.Group](resp.GetGroups())}, nil
}

type metricClient struct {
	*baseClient
	rpc pb.MetricClient
}

func (c *metricClient) Score(ctx context.Context, req sdk.ScoreRequest) (sdk.ScoreResponse, error) {
	// Float64 vectors go only to a plugin that said it reads them (1.1);
	// a 1.0 plugin would not see the new fields and get empty vectors.
	resp, err := c.rpc.Score(ctx, scoreRequestToProto(req, c.peerMinor.Load() >= minorFloat64), wire.CallOptions()...)
	if err != nil {
		return sdk.ScoreResponse{}, fromStatus(err)
	}
	cols, err := columnsFromProto(resp.GetColumns())
	if err != nil {
		return sdk.ScoreResponse{}, err
	}
	return sdk.ScoreResponse{Columns: cols}, nil
}
