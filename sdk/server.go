package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/vlmask/vlmask/sdk/internal/convert"
	pb "github.com/vlmask/vlmask/sdk/internal/pb/pluginv1"
)

// The plugin's side of the protocol: go-plugin plugin types that register
// the gRPC services, and the services, which convert and call the
// implementation. The host's side is in sdk/hostrpc.

var (
	_ plugin.GRPCPlugin = (*maskingPlugin)(nil)
	_ plugin.GRPCPlugin = (*metricPlugin)(nil)
	_ pb.PluginServer   = (*pluginServer)(nil)
	_ pb.MaskingServer  = (*maskingServer)(nil)
	_ pb.MetricServer   = (*metricServer)(nil)
)

var errServerOnly = errors.New("sdk: this is the plugin's side of the protocol; hosts use sdk/hostrpc")

type maskingPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impl MaskingStrategy
}

func (p *maskingPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterPluginServer(s, &pluginServer{describe: p.impl.Describe, configure: p.impl.Configure, kind: KindMasking})
	pb.RegisterMaskingServer(s, &maskingServer{impl: p.impl})
	return nil
}

func (p *maskingPlugin) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (any, error) {
	return nil, errServerOnly
}

type metricPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impl Metric
}

func (p *metricPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterPluginServer(s, &pluginServer{describe: p.impl.Describe, configure: p.impl.Configure, kind: KindMetric})
	pb.RegisterMetricServer(s, &metricServer{impl: p.impl})
	return nil
}

func (p *metricPlugin) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (any, error) {
	return nil, errServerOnly
}

type pluginServer struct {
	pb.UnimplementedPluginServer
	describe  func(context.Context) (Description, error)
	configure func(context.Context, json.RawMessage) error
	kind      Kind
}

func (s *pluginServer) Describe(ctx context.Context, _ *pb.Describe_Request) (*pb.Describe_Response, error) {
	d, err := s.describe(ctx)
	if err != nil {
		return nil, toStatus(fmt.Errorf("describe: %w", err))
	}
	if d.Kind == "" {
		d.Kind = s.kind
	}
	return describeToProto(d), nil
}

func (s *pluginServer) Configure(ctx context.Context, req *pb.Configure_Request) (*pb.Configure_Response, error) {
	if err := s.configure(ctx, req.GetConfigJson()); err != nil {
		return nil, toStatus(err)
	}
	return &pb.Configure_Response{}, nil
}

type maskingServer struct {
	pb.UnimplementedMaskingServer
	impl MaskingStrategy
}

func (s *maskingServer) Mask(ctx context.Context, req *pb.Mask_Request) (*pb.Mask_Response, error) {
	resp, err := s.impl.Mask(ctx, MaskRequest{Sequence: sequenceFromProto(req.GetSequence())})
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.Mask_Response{Groups: convert.GroupsToProto(resp.Groups)}, nil
}

type metricServer struct {
	pb.UnimplementedMetricServer
	impl Metric
}

func (s *metricServer) Score(ctx context.Context, req *pb.Score_Request) (*pb.Score_Response, error) {
	r, err := scoreRequestFromProto(req)
	if err != nil {
		return nil, toStatus(err)
	}
	resp, err := s.impl.Score(ctx, r)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.Score_Response{Columns: columnsToProto(resp.Columns)}, nil
}
