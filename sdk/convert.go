package sdk

import (
	"fmt"

	"github.com/vlmask/vlmask/sdk/internal/convert"
	pb "github.com/vlmask/vlmask/sdk/internal/pb/pluginv1"
	"github.com/vlmask/vlmask/sdk/internal/wire"
)

// The plugin's conversions: requests from protobuf, responses to protobuf.
// sdk/hostrpc holds the opposite direction.

func describeToProto(d Description) *pb.Describe_Response {
	minor := d.ProtocolMinor
	if minor == 0 {
		minor = ProtocolMinor
	}
	variants := make([]string, len(d.Variants))
	for i, v := range d.Variants {
		variants[i] = string(v)
	}
	return &pb.Describe_Response{
		Name:             d.Name,
		Version:          d.Version,
		Kind:             kindToProto(d.Kind),
		ProtocolMinor:    int32(minor),
		Summary:          d.Summary,
		Columns:          d.Columns,
		Variants:         variants,
		Capabilities:     &pb.Capabilities{NeedsUnembedding: d.Capabilities.NeedsUnembedding},
		ConfigSchemaJson: d.ConfigSchemaJSON,
	}
}

func kindToProto(k Kind) pb.Kind {
	switch k {
	case KindMasking:
		return pb.Kind_KIND_MASKING
	case KindMetric:
		return pb.Kind_KIND_METRIC
	}
	return pb.Kind_KIND_UNSPECIFIED
}

func sequenceFromProto(s *pb.Sequence) Sequence {
	return Sequence{
		Tokens:       convert.TokensFromProto[Modality, Token](s.GetTokens()),
		Images:       convert.ImagesFromProto[ImageInfo](s.GetImages()),
		Step:         int(s.GetStep()),
		PromptLength: int(s.GetPromptLength()),
		NumLayers:    int(s.GetNumLayers()),
		NumHeads:     int(s.GetNumHeads()),
	}
}

// scoreRequestFromProto reads a Score request in whichever precision the
// host sent (float64 from a host that saw this plugin's minor ≥ 1, else
// float32) and fills in the other, so the metric may read either.
func scoreRequestFromProto(r *pb.Score_Request) (ScoreRequest, error) {
	req := ScoreRequest{
		Step:          int(r.GetStep()),
		Layer:         int(r.GetLayer()),
		Groups:        convert.GroupsFromProto[Group](r.GetGroups()),
		Batches:       make([]VectorBatch, len(r.GetBatches())),
		TargetTokenID: int(r.GetTargetTokenId()),
	}
	var err error
	for i, b := range r.GetBatches() {
		vb := VectorBatch{Variant: b.GetVariant(), Dim: int(b.GetDim())}
		if vb.Baseline, err = wire.UnpackFloat32s(b.GetBaseline()); err != nil {
			return ScoreRequest{}, fmt.Errorf("batch %q baseline: %v: %w", vb.Variant, err, ErrInvalidRequest)
		}
		if vb.Masked, err = wire.UnpackFloat32s(b.GetMasked()); err != nil {
			return ScoreRequest{}, fmt.Errorf("batch %q masked: %v: %w", vb.Variant, err, ErrInvalidRequest)
		}
		if vb.Baseline64, err = wire.UnpackFloat64s(b.GetBaselineF64()); err != nil {
			return ScoreRequest{}, fmt.Errorf("batch %q baseline_f64: %v: %w", vb.Variant, err, ErrInvalidRequest)
		}
		if vb.Masked64, err = wire.UnpackFloat64s(b.GetMaskedF64()); err != nil {
			return ScoreRequest{}, fmt.Errorf("batch %q masked_f64: %v: %w", vb.Variant, err, ErrInvalidRequest)
		}
		if vb.Baseline64 != nil || vb.Masked64 != nil {
			// The float64 payload is the exact one: derive float32 from it.
			vb.Baseline, vb.Masked = nil, nil
		}
		req.Batches[i] = vb.withBothPrecisions()
	}
	if req.Unembedding, err = wire.UnpackFloat32s(r.GetUnembedding()); err != nil {
		return ScoreRequest{}, fmt.Errorf("unembedding: %v: %w", err, ErrInvalidRequest)
	}
	return req, nil
}

// columnsToProto always sends float32 values, which any host reads, and
// the float64 values too when the metric computed them.
func columnsToProto(cs []Column) []*pb.Column {
	out := make([]*pb.Column, len(cs))
	for i, c := range cs {
		out[i] = &pb.Column{Name: c.Name, Values: wire.PackFloat32s(c.Float32s()), ValuesF64: wire.PackFloat64s(c.Values64)}
	}
	return out
}
