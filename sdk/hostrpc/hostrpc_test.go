package hostrpc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"sync"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/hostrpc"
	"github.com/vlmask/vlmask/sdk/sdktest"
)

// recorder remembers the last request it got and answers with canned
// values or errors; maskRecorder and metricRecorder add the kind's method.
type recorder struct {
	mu       sync.Mutex
	gotSeq   sdk.Sequence
	gotScore sdk.ScoreRequest
	groups   []sdk.Group
	columns  []sdk.Column
	err      error
}

func (r *recorder) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{
		Name: "recorder", Version: "1.2.3", Summary: "records", Columns: []string{"c"},
		Variants:         []sdk.VariantClass{sdk.VariantFull, sdk.VariantHead},
		Capabilities:     sdk.Capabilities{NeedsUnembedding: true},
		ConfigSchemaJSON: `{"type": "object"}`,
	}, nil
}

func (r *recorder) Configure(_ context.Context, config json.RawMessage) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

type maskRecorder struct{ *recorder }

func (r maskRecorder) Mask(_ context.Context, req sdk.MaskRequest) (sdk.MaskResponse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gotSeq = req.Sequence
	return sdk.MaskResponse{Groups: r.groups}, r.err
}

type metricRecorder struct{ *recorder }

func (m metricRecorder) Score(_ context.Context, req sdk.ScoreRequest) (sdk.ScoreResponse, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gotScore = req
	return sdk.ScoreResponse{Columns: m.columns}, m.err
}

func oddFloats() []float32 {
	return []float32{
		0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		math.Float32frombits(0x7fc00abc), math.Float32frombits(0xffc00001),
		math.SmallestNonzeroFloat32, math.MaxFloat32, -1.25,
	}
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func TestMaskRoundTripIsLossless(t *testing.T) {
	t.Parallel()
	rec := maskRecorder{&recorder{groups: []sdk.Group{{Label: "img0 r0-1 c2-3", Positions: []int{5, 6, 9, 10}}, {Label: " ☃", Positions: []int{0}}}}}
	client := sdktest.DispenseMasking(t, rec)
	for name, seq := range sdktest.SampleSequences() {
		seq.Tokens[0].Text = "ünïcödé ☃ \x00"
		seq.Tokens[1].ImageIndex, seq.Tokens[1].PatchRow, seq.Tokens[1].PatchCol = -1, -7, 1<<30
		resp, err := client.Mask(context.Background(), sdk.MaskRequest{Sequence: seq})
		if err != nil {
			t.Fatalf("%s: Mask: %v", name, err)
		}
		rec.mu.Lock()
		got := rec.gotSeq
		rec.mu.Unlock()
		if !reflect.DeepEqual(got, seq) {
			t.Errorf("%s: plugin got\n%+v\nwant\n%+v", name, got, seq)
		}
		if !reflect.DeepEqual(resp.Groups, rec.groups) {
			t.Errorf("%s: host got groups %+v, want %+v", name, resp.Groups, rec.groups)
		}
	}
	d, err := client.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := rec.Describe(context.Background())
	want.Kind, want.ProtocolMinor = sdk.KindMasking, sdk.ProtocolMinor // filled in by the server
	if !reflect.DeepEqual(d, want) {
		t.Errorf("Describe over gRPC = %+v, want %+v", d, want)
	}
}

func TestScoreRoundTripIsLossless(t *testing.T) {
	t.Parallel()
	odd := oddFloats()
	rec := metricRecorder{&recorder{columns: []sdk.Column{{Name: "c", Values: odd}}}}
	client := sdktest.DispenseMetric(t, rec)
	req := sdk.ScoreRequest{
		Step: 3, Layer: 27, TargetTokenID: -1,
		Groups: []sdk.Group{{Label: "a", Positions: []int{1, 2}}, {Label: "b", Positions: []int{4}}, {Label: "c", Positions: []int{0}}},
		Batches: []sdk.VectorBatch{
			{Variant: "Full", Dim: 3, Baseline: odd[:3], Masked: odd[:9]},
			{Variant: "Head_15", Dim: 1, Baseline: odd[8:9], Masked: odd[3:6]},
		},
		Unembedding: odd,
	}
	resp, err := client.Score(context.Background(), req)
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	rec.mu.Lock()
	got := rec.gotScore
	rec.mu.Unlock()
	if got.Step != req.Step || got.Layer != req.Layer || got.TargetTokenID != req.TargetTokenID || !reflect.DeepEqual(got.Groups, req.Groups) {
		t.Errorf("plugin got %+v, want %+v", got, req)
	}
	for i, b := range req.Batches {
		g := got.Batches[i]
		if g.Variant != b.Variant || g.Dim != b.Dim || !sameBits(g.Baseline, b.Baseline) || !sameBits(g.Masked, b.Masked) {
			t.Errorf("batch %d: plugin got %+v, want %+v", i, g, b)
		}
	}
	if !sameBits(got.Unembedding, req.Unembedding) {
		t.Errorf("unembedding: plugin got %v, want %v", got.Unembedding, req.Unembedding)
	}
	if len(resp.Columns) != 1 || resp.Columns[0].Name != "c" || !sameBits(resp.Columns[0].Values, odd) {
		t.Errorf("host got %+v, want the odd floats bit for bit", resp.Columns)
	}
}

func TestLargeScoreRequest(t *testing.T) {
	t.Parallel()
	// 24 MiB of vectors: far past gRPC's 4 MiB default, within MaxMessageBytes.
	const dim, groups = 2048, 3071
	rec := metricRecorder{&recorder{}}
	client := sdktest.DispenseMetric(t, rec)
	masked := make([]float32, dim*groups)
	for i := range masked {
		masked[i] = float32(i)
	}
	req := sdk.ScoreRequest{Groups: make([]sdk.Group, groups), Batches: []sdk.VectorBatch{{Variant: "Full", Dim: dim, Baseline: make([]float32, dim), Masked: masked}}}
	rec.columns = []sdk.Column{{Name: "c", Values: make([]float32, groups)}}
	resp, err := client.Score(context.Background(), req)
	if err != nil {
		t.Fatalf("Score of %d MiB: %v", 4*dim*groups>>20, err)
	}
	rec.mu.Lock()
	got := rec.gotScore.Batches[0].Masked
	rec.mu.Unlock()
	if !sameBits(got, masked) || len(resp.Columns[0].Values) != groups {
		t.Errorf("large request did not round-trip")
	}
}

func TestErrorsKeepTheirIdentity(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		err      error
		sentinel error
		code     codes.Code
	}{
		"invalid config":  {err: fmt.Errorf("k must be ≥ 1: %w", sdk.ErrInvalidConfig), sentinel: sdk.ErrInvalidConfig, code: codes.InvalidArgument},
		"invalid request": {err: fmt.Errorf("dim 0: %w", sdk.ErrInvalidRequest), sentinel: sdk.ErrInvalidRequest, code: codes.InvalidArgument},
		"not implemented": {err: fmt.Errorf("frobnicate: %w", sdk.ErrNotImplemented), sentinel: sdk.ErrNotImplemented, code: codes.Unimplemented},
		"plain":           {err: errors.New("disk on fire"), code: codes.Unknown},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			client := sdktest.DispenseMasking(t, maskRecorder{&recorder{err: tc.err}})
			for op, call := range map[string]func() error{
				"configure": func() error { return client.Configure(context.Background(), nil) },
				"mask": func() error {
					_, err := client.Mask(context.Background(), sdk.MaskRequest{})
					return err
				},
			} {
				err := call()
				if err == nil || err.Error() != tc.err.Error() {
					t.Errorf("%s: error %v, want the plugin's message %q", op, err, tc.err)
				}
				if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
					t.Errorf("%s: errors.Is(%v, %v) is false", op, err, tc.sentinel)
				}
				if got := status.Code(err); got != tc.code {
					t.Errorf("%s: code %v, want %v", op, got, tc.code)
				}
			}
		})
	}
}

// A service the plugin does not serve reads as "capability absent".
func TestUnservedRPCIsNotImplemented(t *testing.T) {
	t.Parallel()
	rc := sdktest.ServeInProcess(t, maskRecorder{&recorder{}})
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  hostrpc.Handshake(),
		Plugins:          hostrpc.PluginSets()[sdk.ProtocolMajor],
		Reattach:         rc,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		GRPCDialOptions:  hostrpc.DialOptions(hclog.NewNullLogger()),
		Logger:           hclog.New(&hclog.LoggerOptions{Level: hclog.Warn, Output: os.Stderr}),
	})
	rpc, err := client.Client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rpc.Close() })
	raw, err := rpc.Dispense(hostrpc.DispenseMetric) // a masking strategy, asked to score
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.(sdk.Metric).Score(context.Background(), sdk.ScoreRequest{})
	if !errors.Is(err, sdk.ErrNotImplemented) || status.Code(err) != codes.Unimplemented {
		t.Errorf("Score on a masking plugin: %v, want sdk.ErrNotImplemented", err)
	}
}

// TestScoreFloat64RoundTrip: with a plugin of minor ≥ 1 the vectors travel
// in float64, bit for bit, and so do float64 results; told the plugin
// speaks 1.0, the client sends float32 only, which the plugin widens.
func TestScoreFloat64RoundTrip(t *testing.T) {
	t.Parallel()
	odd := []float64{
		0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.Float64frombits(0x7ff8000000000abc),
		math.SmallestNonzeroFloat64, math.MaxFloat64, 1 + 1.2e-10, -1.25, 1.2e-10,
	}
	rec := metricRecorder{&recorder{columns: []sdk.Column{{Name: "c", Values64: odd[:3]}}}}
	client := sdktest.DispenseMetric(t, rec)
	req := sdk.ScoreRequest{
		Groups:  []sdk.Group{{Label: "a", Positions: []int{1}}, {Label: "b", Positions: []int{4}}, {Label: "c", Positions: []int{0}}},
		Batches: []sdk.VectorBatch{{Variant: "Full", Dim: 3, Baseline64: odd[7:10], Masked64: odd[:9]}},
	}
	resp, err := client.Score(context.Background(), req)
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	rec.mu.Lock()
	got := rec.gotScore.Batches[0]
	rec.mu.Unlock()
	if !sameBits64(got.Baseline64, odd[7:10]) || !sameBits64(got.Masked64, odd[:9]) {
		t.Errorf("plugin got float64 %v / %v, want %v / %v bit for bit", got.Baseline64, got.Masked64, odd[7:10], odd[:9])
	}
	if b32, _ := (sdk.VectorBatch{Baseline64: odd[7:10]}).Float32s(); !sameBits(got.Baseline, b32) {
		t.Errorf("plugin got float32 %v, want the float64 values rounded, %v", got.Baseline, b32)
	}
	if !sameBits64(resp.Columns[0].Values64, odd[:3]) {
		t.Errorf("host got float64 values %v, want %v", resp.Columns[0].Values64, odd[:3])
	}

	n, ok := client.(hostrpc.Negotiator)
	if !ok {
		t.Fatalf("%T does not negotiate", client)
	}
	n.SetPeerProtocolMinor(0)
	if _, err := client.Score(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	got = rec.gotScore.Batches[0]
	rec.mu.Unlock()
	want32, _ := (sdk.VectorBatch{Baseline64: odd[7:10]}).Float32s()
	if !sameBits(got.Baseline, want32) || got.Baseline64[0] != float64(want32[0]) {
		t.Errorf("to a 1.0 peer: plugin got %v / %v, want float32 %v and its widening", got.Baseline, got.Baseline64, want32)
	}
}

func sameBits64(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
