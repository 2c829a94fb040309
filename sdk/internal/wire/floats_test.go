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
