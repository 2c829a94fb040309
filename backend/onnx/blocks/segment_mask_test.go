package blocks_test

import (
	"math"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
)

func TestSegmentIDs(t *testing.T) {
	tests := map[string]struct {
		lengths []int
		want    []int64
	}{
		"none":          {nil, nil},
		"one":           {[]int{3}, []int64{0, 0, 0}},
		"several":       {[]int{2, 3, 1}, []int64{0, 0, 1, 1, 1, 2}},
		"empty skipped": {[]int{1, 0, 2}, []int64{0, 2, 2}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := blocks.SegmentIDs(tc.lengths); !slices.Equal(got, tc.want) {
				t.Errorf("SegmentIDs(%v) = %v, want %v", tc.lengths, got, tc.want)
			}
		})
	}
}

// segmentMaskReference is the block-diagonal mask written out in float64:
// 0 inside each segment's square, −inf elsewhere.
func segmentMaskReference(lengths []int) []float64 {
	p := 0
	for _, n := range lengths {
		p += n
	}
	mask := make([]float64, p*p)
	for i := range mask {
		mask[i] = math.Inf(-1)
	}
	start := 0
	for _, n := range lengths {
		for i := start; i < start+n; i++ {
			for j := start; j < start+n; j++ {
				mask[i*p+j] = 0
			}
		}
		start += n
	}
	return mask
}

// TestSegmentMask runs the block on ONNX Runtime, in both compute dtypes,
// and compares it with the float64 reference.
func TestSegmentMask(t *testing.T) {
	rt := orttest.Runtime(t)
	for _, dt := range []graph.DType{graph.Float32, graph.Float64} {
		g := blocks.New("segment_mask", dt)
		ids := g.B.Input("ids", graph.Int64, "p")
		g.B.Output(g.SegmentMask(ids), "mask")
		m, err := g.B.Build()
		if err != nil {
			t.Fatal(err)
		}
		s, err := rt.NewSession(m, ort.SessionOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		for _, lengths := range [][]int{{1}, {4, 4, 2, 6}, {16, 0, 8, 3}} {
			ids := blocks.SegmentIDs(lengths)
			in, err := ort.NewTensor(rt, []int64{int64(len(ids))}, ids)
			if err != nil {
				t.Fatal(err)
			}
			outs, err := s.Run([]ort.Named{{Name: "ids", Value: in}}, []string{"mask"})
			in.Close()
			if err != nil {
				t.Fatal(err)
			}
			got := values(t, outs[0], dt)
			outs[0].Close()
			want := segmentMaskReference(lengths)
			if !slices.Equal(got, want) {
				t.Errorf("%v %v: mask %v, want %v", dt, lengths, got, want)
			}
		}
	}
}

// values reads a float32 or float64 output as float64.
func values(t *testing.T, v *ort.Value, dt graph.DType) []float64 {
	t.Helper()
	if dt == graph.Float64 {
		d, err := ort.Data[float64](v)
		if err != nil {
			t.Fatal(err)
		}
		return append([]float64(nil), d...)
	}
	d, err := ort.Data[float32](v)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, len(d))
	for i, x := range d {
		out[i] = float64(x)
	}
	return out
}
