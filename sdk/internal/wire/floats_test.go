package wire_test

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/vlmask/vlmask/sdk/internal/wire"
)

func TestFloatPackingIsBitExact(t *testing.T) {
	t.Parallel()
	values := []float32{
		0, float32(math.Copysign(0, -1)), 1, -1.5, math.MaxFloat32, math.SmallestNonzeroFloat32,
		float32(math.Inf(1)), float32(math.Inf(-1)),
		math.Float32frombits(0x7fc00001), // quiet NaN with a payload
		math.Float32frombits(0xff800123), // negative signalling NaN
		3.1415927,
	}
	packed := wire.PackFloat32s(values)
	if len(packed) != 4*len(values) {
		t.Fatalf("packed %d bytes, want %d", len(packed), 4*len(values))
	}
	for i, v := range values {
		if got := binary.LittleEndian.Uint32(packed[4*i:]); got != math.Float32bits(v) {
			t.Errorf("value %d: bytes %08x, want little-endian %08x", i, got, math.Float32bits(v))
		}
	}
	back, err := wire.UnpackFloat32s(packed)
	if err != nil {
		t.Fatal(err)
	}
	for i := range values {
		if math.Float32bits(back[i]) != math.Float32bits(values[i]) {
			t.Errorf("value %d: %08x after the round trip, want %08x", i, math.Float32bits(back[i]), math.Float32bits(values[i]))
		}
	}
}

func TestUnpackRejectsPartialFloats(t *testing.T) {
	t.Parallel()
	if _, err := wire.UnpackFloat32s(make([]byte, 7)); err == nil {
		t.Error("7 bytes unpacked without error")
	}
	if got, err := wire.UnpackFloat32s(nil); err != nil || got != nil {
		t.Errorf("empty input = %v, %v; want nil, nil", got, err)
	}
	if got := wire.PackFloat32s(nil); got != nil {
		t.Errorf("PackFloat32s(nil) = %v, want nil", got)
	}
}

// A misaligned buffer is copied rather than viewed.
func TestUnpackMisaligned(t *testing.T) {
	t.Parallel()
	want := []float32{1.5, -2, float32(math.NaN())}
	buf := append([]byte{0}, wire.PackFloat32s(want)...)
	got, err := wire.UnpackFloat32s(buf[1:])
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Errorf("value %d: %v, want %v", i, got[i], want[i])
		}
	}
}

func TestFloat64PackingIsBitExact(t *testing.T) {
	t.Parallel()
	values := []float64{
		0, math.Copysign(0, -1), 1, -1.5, math.MaxFloat64, math.SmallestNonzeroFloat64, 1.2e-10,
		math.Inf(1), math.Inf(-1), math.Float64frombits(0x7ff8000000000001), 0.1 + 0.2,
	}
	packed := wire.PackFloat64s(values)
	if len(packed) != 8*len(values) {
		t.Fatalf("packed %d bytes, want %d", len(packed), 8*len(values))
	}
	for i, v := range values {
		if got := binary.LittleEndian.Uint64(packed[8*i:]); got != math.Float64bits(v) {
			t.Errorf("value %d: bytes %016x, want little-endian %016x", i, got, math.Float64bits(v))
		}
	}
	// Unaligned and aligned buffers both read back bit for bit.
	for _, off := range []int{0, 3} {
		buf := append(make([]byte, off), packed...)
		back, err := wire.UnpackFloat64s(buf[off:])
		if err != nil {
			t.Fatal(err)
		}
		for i := range values {
			if math.Float64bits(back[i]) != math.Float64bits(values[i]) {
				t.Errorf("offset %d value %d: %016x after the round trip, want %016x", off, i, math.Float64bits(back[i]), math.Float64bits(values[i]))
			}
		}
	}
	if _, err := wire.UnpackFloat64s(make([]byte, 12)); err == nil {
		t.Error("12 bytes unpacked as float64 without error")
	}
}
