package graph_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

func TestFloat16Bits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   float64
		want uint16
	}{
		{0, 0x0000},
		{math.Copysign(0, -1), 0x8000},
		{1, 0x3c00},
		{-2, 0xc000},
		{0.1, 0x2e66},
		{65504, 0x7bff},              // largest finite
		{65519.99, 0x7bff},           // just below the rounding boundary
		{65520, 0x7c00},              // ties to even: overflows to +Inf
		{math.Ldexp(1, -14), 0x0400}, // smallest normal
		{math.Ldexp(1, -24), 0x0001}, // smallest subnormal
		{math.Ldexp(1, -25), 0x0000}, // tie between 0 and the smallest subnormal: even is 0
		{math.Ldexp(3, -25), 0x0002}, // tie between 1 and 2 ulps: even is 2
		{1 + math.Ldexp(1, -11), 0x3c00},
		{1 + math.Ldexp(3, -11), 0x3c02},
		{math.Inf(1), 0x7c00},
		{math.Inf(-1), 0xfc00},
	}
	for _, c := range cases {
		if got := graph.Float16Bits(c.in); got != c.want {
			t.Errorf("Float16Bits(%v) = %#04x, want %#04x", c.in, got, c.want)
		}
	}
	if got := graph.Float16Bits(math.NaN()); got&0x7c00 != 0x7c00 || got&0x03ff == 0 {
		t.Errorf("Float16Bits(NaN) = %#04x, not a NaN", got)
	}
}

func TestBFloat16Bits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   float64
		want uint16
	}{
		{1, 0x3f80},
		{-1, 0xbf80},
		{math.Pi, 0x4049},
		{1 + math.Ldexp(1, -8), 0x3f80}, // tie: even
		{1 + math.Ldexp(3, -8), 0x3f82}, // tie: even
		{math.MaxFloat32, 0x7f80},       // rounds up past the largest bfloat16
		{math.Ldexp(1, -133), 0x0001},   // smallest subnormal
		{math.Inf(-1), 0xff80},
	}
	for _, c := range cases {
		if got := graph.BFloat16Bits(c.in); got != c.want {
			t.Errorf("BFloat16Bits(%v) = %#04x, want %#04x", c.in, got, c.want)
		}
	}
}

// Every finite half and bfloat16 value survives a round trip through
// float64, which pins the encoders to the decoders bit for bit.
func TestHalfRoundTrip(t *testing.T) {
	t.Parallel()
	for bits := range 1 << 16 {
		h := uint16(bits)
		if v := graph.Float16Value(h); !math.IsNaN(v) {
			if got := graph.Float16Bits(v); got != h {
				t.Fatalf("float16 %#04x → %v → %#04x", h, v, got)
			}
		}
		if v := graph.BFloat16Value(h); !math.IsNaN(v) {
			if got := graph.BFloat16Bits(v); got != h {
				t.Fatalf("bfloat16 %#04x → %v → %#04x", h, v, got)
			}
		}
	}
}

func TestConstEncoding(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		dt   graph.DType
		vals []float64
		want []byte
	}{
		"float32":  {graph.Float32, []float64{1, -2}, []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0}},
		"float64":  {graph.Float64, []float64{1}, []byte{0, 0, 0, 0, 0, 0, 0xf0, 0x3f}},
		"float16":  {graph.Float16, []float64{1, -2}, []byte{0x00, 0x3c, 0x00, 0xc0}},
		"bfloat16": {graph.BFloat16, []float64{1}, []byte{0x80, 0x3f}},
		"int32":    {graph.Int32, []float64{-1, 2}, []byte{0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0}},
		"int64":    {graph.Int64, []float64{-2}, []byte{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		"bool":     {graph.Bool, []float64{1, 0, 1}, []byte{1, 0, 1}},
		"uint8":    {graph.Uint8, []float64{255}, []byte{255}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := graph.New("c", 18)
			b.Output(b.Const(c.dt, nil, c.vals), "y")
			m := mustBuild(t, b)
			in := m.Proto.GetGraph().GetInitializer()[0]
			if !bytes.Equal(in.GetRawData(), c.want) || in.GetDataType() != int32(c.dt) {
				t.Errorf("raw %x type %d, want %x type %d", in.GetRawData(), in.GetDataType(), c.want, c.dt)
			}
		})
	}
}

func TestDTypeSizeAndString(t *testing.T) {
	t.Parallel()
	cases := []struct {
		dt   graph.DType
		size int
		name string
	}{
		{graph.Float32, 4, "float32"}, {graph.Float64, 8, "float64"}, {graph.Float16, 2, "float16"},
		{graph.BFloat16, 2, "bfloat16"}, {graph.Int64, 8, "int64"}, {graph.Int32, 4, "int32"},
		{graph.Uint8, 1, "uint8"}, {graph.Int8, 1, "int8"}, {graph.Bool, 1, "bool"},
		{graph.Undefined, 0, "undefined"}, {graph.DType(8), 0, "dtype(8)"},
	}
	for _, c := range cases {
		if c.dt.Size() != c.size || c.dt.String() != c.name {
			t.Errorf("%d: Size %d String %q, want %d %q", int32(c.dt), c.dt.Size(), c.dt.String(), c.size, c.name)
		}
	}
}
