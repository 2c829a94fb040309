package hostrpc

import (
	"fmt"

	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/internal/convert"
	pb "github.com/vlmask/vlmask/sdk/internal/pb/pluginv1"
	"github.com/vlmask/vlmask/sdk/internal/wire"
)

// The host's conversions: requests to protobuf, responses from protobuf.
// Package sdk holds the opposite direction.

func describeFromProto(r *pb.Describe_Response) sdk.Description {
	d := sdk.Description{
		Name:             r.GetName(),
		Version:          r.GetVersion(),
		ProtocolMinor:    int(r.GetProtocolMinor()),
		Summary:          r.GetSummary(),
		Columns:          r.GetColumns(),
		Capabilities:     sdk.Capabilities{NeedsUnembedding: r.GetCapabilities().GetNeedsUnembedding()},
		ConfigSchemaJSON: r.GetConfigSchemaJson(),
	}
	switch r.GetKind() {
	case pb.Kind_KIND_MASKING:
		d.Kind = sdk.KindMasking
	case pb.Kind_KIND_METRIC:
		d.Kind = sdk.KindMetric
	}
	if vs := r.GetVariants(); len(vs) > 0 {
		d.Variants = make([]sdk.VariantClass, len(vs))
		for i, v := range vs {
			d.Variants[i] = sdk.VariantClass(v)
		}
	}
	return d
}

func sequenceToProto(s sdk.Sequence) *pb.Sequence {
	return &pb.Sequence{
		Tokens:       convert.TokensToProto(s.Tokens),
		Images:       convert.ImagesToProto(s.Images),
		Step:         int32(s.Step),
		PromptLength: int32(s.PromptLength),
		NumLayers:    int32(s.NumLayers),
		NumHeads:     int32(s.NumHeads),
	}
}

// scoreRequestToProto packs the vectors in float64 when f64 (the plugin
// speaks 1.1), else in float32 (rounding float64 vectors, for a 1.0
// plugin).
func scoreRequestToProto(r sdk.ScoreRequest, f64 bool) *pb.Score_Request {
	out := &pb.Score_Request{
		Step:          int32(r.Step),
		Layer:         int32(r.Layer),
		Groups:        convert.GroupsToProto(r.Groups),
		Batches:       make([]*pb.VectorBatch, len(r.Batches)),
		TargetTokenId: int32(r.TargetTokenID),
		Unembedding:   wire.PackFloat32s(r.Unembedding),
	}
	for i, b := range r.Batches {
		vb := &pb.VectorBatch{Variant: b.Variant, Dim: int32(b.Dim)}
		if f64 {
			baseline, masked := b.Float64s()
			vb.BaselineF64, vb.MaskedF64 = wire.PackFloat64s(baseline), wire.PackFloat64s(masked)
		} else {
			baseline, masked := b.Float32s()
			vb.Baseline, vb.Masked = wire.PackFloat32s(baseline), wire.PackFloat32s(masked)
		}
		out.Batches[i] = vb
	}
	return out
}

// columnsFromProto reads both precisions a plugin sent: float32 always,
// float64 from a 1.1 plugin that computed in it.
func columnsFromProto(cs []*pb.Column) ([]sdk.Column, error) {
	out := make([]sdk.Column, len(cs))
	for i, c := range cs {
		vals, err := wire.UnpackFloat32s(c.GetValues())
		if err != nil {
			return nil, fmt.Errorf("column %q: %v: %w", c.GetName(), err, sdk.ErrInvalidOutput)
		}
		vals64, err := wire.UnpackFloat64s(c.GetValuesF64())
		if err != nil {
			return nil, fmt.Errorf("column %q values_f64: %v: %w", c.GetName(), err, sdk.ErrInvalidOutput)
		}
		out[i] = sdk.Column{Name: c.GetName(), Values: vals, Values64: vals64}
	}
	return out, nil
}
