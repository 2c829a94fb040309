package sdktest

import (
	"context"
	"fmt"
	"maps"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/sdk"
)

// namePattern is what a plugin name may look like: it becomes part of the
// binary's file name, vlmask-plugin-<name>.
var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// RunMaskingConformance checks what every masking strategy must do, on each
// of SampleSequences: Describe is sane (a file-name-safe name, a version,
// kind masking or unset); Mask passes sdk.ValidateMask (non-empty groups,
// positions strictly ascending and in range); Mask is deterministic; and the
// answer over gRPC equals the in-process one. Configure s before calling it
// if it needs a configuration; the suite does not call Configure.
func RunMaskingConformance(t *testing.T, s sdk.MaskingStrategy) {
	t.Helper()
	ctx := context.Background()
	t.Run("describe", func(t *testing.T) {
		d, err := s.Describe(ctx)
		if err != nil {
			t.Fatalf("Describe: %v", err)
		}
		checkDescription(t, d, sdk.KindMasking)
	})
	remote := DispenseMasking(t, s)
	t.Run("describe-over-grpc", func(t *testing.T) {
		d, err := remote.Describe(ctx)
		if err != nil {
			t.Fatalf("Describe over gRPC: %v", err)
		}
		if d.Kind != sdk.KindMasking {
			t.Errorf("kind over gRPC = %q, want %q", d.Kind, sdk.KindMasking)
		}
		if d.ProtocolMinor < sdk.ProtocolMinor {
			t.Errorf("protocol minor over gRPC = %d, want at least %d", d.ProtocolMinor, sdk.ProtocolMinor)
		}
	})
	samples := SampleSequences()
	for _, name := range slices.Sorted(maps.Keys(samples)) {
		seq := samples[name]
		t.Run(name, func(t *testing.T) {
			req := sdk.MaskRequest{Sequence: seq}
			first, err := s.Mask(ctx, req)
			if err != nil {
				t.Fatalf("Mask: %v", err)
			}
			if err := sdk.ValidateMask(seq, first); err != nil {
				t.Fatalf("Mask output: %v", err)
			}
			second, err := s.Mask(ctx, req)
			if err != nil {
				t.Fatalf("second Mask: %v", err)
			}
			if !reflect.DeepEqual(normalizeGroups(first.Groups), normalizeGroups(second.Groups)) {
				t.Errorf("Mask is not deterministic:\nfirst  %v\nsecond %v", first.Groups, second.Groups)
			}
			viaRPC, err := remote.Mask(ctx, req)
			if err != nil {
				t.Fatalf("Mask over gRPC: %v", err)
			}
			if !reflect.DeepEqual(normalizeGroups(first.Groups), normalizeGroups(viaRPC.Groups)) {
				t.Errorf("Mask over gRPC differs from in-process:\ngRPC       %v\nin-process %v", viaRPC.Groups, first.Groups)
			}
		})
	}
}

// RunMetricConformance checks what every metric must do: Describe is sane
// (a file-name-safe name, a version, kind metric or unset, at least one
// column, known variant classes); Score on a synthetic request with the
// declared variants (and an unembedding row when declared) passes
// sdk.ValidateScore and sdk.ValidateColumns, also with no groups at all; it
// is deterministic to the bit; and the answer over gRPC, with the vectors
// sent in float64 as a host of this protocol minor sends them, is bitwise
// equal to the in-process one, in both precisions. Configure m first if it
// needs a configuration.
func RunMetricConformance(t *testing.T, m sdk.Metric) {
	t.Helper()
	ctx := context.Background()
	d, err := m.Describe(ctx)
	if err != nil {
		t.Fatalf("Describe: %v", err)
	}
	t.Run("describe", func(t *testing.T) {
		checkDescription(t, d, sdk.KindMetric)
		if len(d.Columns) == 0 {
			t.Errorf("no columns declared")
		}
		if len(d.Variants) == 0 {
			t.Errorf("no variants declared")
		}
		for _, v := range d.Variants {
			if v != sdk.VariantFull && v != sdk.VariantAttn && v != sdk.VariantHead {
				t.Errorf("unknown variant class %q (want %q, %q or %q)", v, sdk.VariantFull, sdk.VariantAttn, sdk.VariantHead)
			}
		}
	})
	remote := DispenseMetric(t, m)
	for _, groups := range []int{3, 1, 0} {
		t.Run(fmt.Sprintf("groups-%d", groups), func(t *testing.T) {
			req := SampleScoreRequest(d, groups)
			first, err := m.Score(ctx, req)
			if err != nil {
				t.Fatalf("Score: %v", err)
			}
			if err := sdk.ValidateScore(req, first); err != nil {
				t.Fatalf("Score output: %v", err)
			}
			if err := sdk.ValidateColumns(d, first); err != nil {
				t.Fatalf("Score output: %v", err)
			}
			second, err := m.Score(ctx, req)
			if err != nil {
				t.Fatalf("second Score: %v", err)
			}
			if diff := diffColumns(first.Columns, second.Columns); diff != "" {
				t.Errorf("Score is not deterministic: %s", diff)
			}
			viaRPC, err := remote.Score(ctx, req)
			if err != nil {
				t.Fatalf("Score over gRPC: %v", err)
			}
			if diff := diffColumns(first.Columns, viaRPC.Columns); diff != "" {
				t.Errorf("Score over gRPC differs from in-process: %s", diff)
			}
		})
	}
}

// SampleScoreRequest builds a deterministic request for the variants d
// declares (Full and Attn of dim 16, Head_0..Head_3 of dim 8) with the
// given number of single-position groups, and an unembedding row when d
// needs one. Values vary in sign and magnitude and include exact zeros;
// each vector is set in both precisions, as vlmask calls a metric: float64
// values that float32 cannot hold exactly (Baseline64, Masked64) and their
// float32 roundings (Baseline, Masked).
func SampleScoreRequest(d sdk.Description, groups int) sdk.ScoreRequest {
	const hidden, headDim, heads = 16, 8, 4
	req := sdk.ScoreRequest{Step: 1, Layer: 2, TargetTokenID: 7}
	for g := 0; g < groups; g++ {
		req.Groups = append(req.Groups, sdk.Group{Label: fmt.Sprintf("g%d", g), Positions: []int{g}})
	}
	seed := 1
	fill := func(n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			seed = (seed*1103515245 + 12345) % 2147483648
			if seed%11 == 0 {
				continue
			}
			out[i] = float64(seed%2001-1000)/250 + float64(seed%7)*1e-11
		}
		return out
	}
	round := func(v []float64) []float32 {
		out := make([]float32, len(v))
		for i, x := range v {
			out[i] = float32(x)
		}
		return out
	}
	batch := func(name string, dim int) sdk.VectorBatch {
		b, m := fill(dim), fill(groups*dim)
		return sdk.VectorBatch{Variant: name, Dim: dim, Baseline64: b, Masked64: m, Baseline: round(b), Masked: round(m)}
	}
	for _, v := range d.Variants {
		switch v {
		case sdk.VariantFull, sdk.VariantAttn:
			req.Batches = append(req.Batches, batch(string(v), hidden))
		case sdk.VariantHead:
			for h := 0; h < heads; h++ {
				req.Batches = append(req.Batches, batch(fmt.Sprintf("Head_%d", h), headDim))
			}
		}
	}
	if d.Capabilities.NeedsUnembedding {
		req.Unembedding = round(fill(hidden))
	}
	return req
}

func checkDescription(t *testing.T, d sdk.Description, kind sdk.Kind) {
	t.Helper()
	if !namePattern.MatchString(d.Name) {
		t.Errorf("name %q: want lower-case letters, digits, '.', '_' or '-' (it names the binary vlmask-plugin-<name>)", d.Name)
	}
	if strings.TrimSpace(d.Version) == "" {
		t.Errorf("empty version")
	}
	if d.Kind != "" && d.Kind != kind {
		t.Errorf("kind %q, want %q (or leave it empty)", d.Kind, kind)
	}
	if d.ProtocolMinor > sdk.ProtocolMinor {
		t.Errorf("protocol minor %d is newer than this SDK's %d: leave it zero", d.ProtocolMinor, sdk.ProtocolMinor)
	}
}

// normalizeGroups makes nil and empty slices compare equal.
func normalizeGroups(gs []sdk.Group) []sdk.Group {
	out := make([]sdk.Group, len(gs))
	for i, g := range gs {
		out[i] = sdk.Group{Label: g.Label, Positions: append([]int{}, g.Positions...)}
	}
	return out
}

// diffColumns compares columns bit for bit (NaN included), in float64 and
// in float32; "" when equal.
func diffColumns(a, b []sdk.Column) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d columns vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Name != b[i].Name {
			return fmt.Sprintf("column %d named %q vs %q", i, a[i].Name, b[i].Name)
		}
		a64, b64 := a[i].Float64s(), b[i].Float64s()
		if len(a64) != len(b64) {
			return fmt.Sprintf("column %q: %d values vs %d", a[i].Name, len(a64), len(b64))
		}
		for k := range a64 {
			if math.Float64bits(a64[k]) != math.Float64bits(b64[k]) {
				return fmt.Sprintf("column %q value %d: %v vs %v", a[i].Name, k, a64[k], b64[k])
			}
		}
		a32, b32 := a[i].Float32s(), b[i].Float32s()
		for k := range a32 {
			if math.Float32bits(a32[k]) != math.Float32bits(b32[k]) {
				return fmt.Sprintf("column %q float32 value %d: %v vs %v", a[i].Name, k, a32[k], b32[k])
			}
		}
	}
	return ""
}
