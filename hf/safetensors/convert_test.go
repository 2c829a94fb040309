package safetensors

import (
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// float16Value is an independent reference for binary16: the value as
// float64 from sign, exponent and mantissa, by the IEEE 754 formula.
func float16Value(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp, mant := int(h>>10)&0x1f, float64(h&0x3ff)
	switch exp {
	case 0x1f:
		if mant == 0 {
			return sign * math.Inf(1)
		}
		return math.NaN()
	case 0:
		return sign * math.Ldexp(mant, -24)
	}
	return sign * math.Ldexp(1024+mant, exp-25)
}

// bfloat16Value is the same for bfloat16 (8 exponent bits, 7 mantissa).
func bfloat16Value(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp, mant := int(h>>7)&0xff, float64(h&0x7f)
	switch exp {
	case 0xff:
		if mant == 0 {
			return sign * math.Inf(1)
		}
		return math.NaN()
	case 0:
		return sign * math.Ldexp(mant, -133)
	}
	return sign * math.Ldexp(128+mant, exp-134)
}

func TestHalfConversionsAreExactForEveryPattern(t *testing.T) {
	tests := map[string]struct {
		convert   func(uint16) uint32
		reference func(uint16) float64
		mantBits  int
	}{
		"F16":  {float16ToFloat32Bits, float16Value, 10},
		"BF16": {bfloat16ToFloat32Bits, bfloat16Value, 7},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			for i := range 1 << 16 {
				h := uint16(i)
				got := math.Float32frombits(tc.convert(h))
				want := tc.reference(h)
				switch {
				case math.IsNaN(want):
					gotBits := tc.convert(h)
					payload := uint32(h) & (1<<tc.mantBits - 1)
					if !math.IsNaN(float64(got)) || gotBits>>31 != uint32(h>>15) || gotBits&0x7fffff != payload<<(23-tc.mantBits) {
						t.Fatalf("%#04x: got bits %#08x, want a NaN with sign %d and payload %#x", h, gotBits, h>>15, payload)
					}
				case float64(got) != want:
					t.Fatalf("%#04x: got %v, want %v", h, got, want)
				case want == 0 && math.Signbit(float64(got)) != (h&0x8000 != 0):
					t.Fatalf("%#04x: got %v, wrong sign of zero", h, got)
				}
			}
		})
	}
}

func TestHalfConversionKnownValues(t *testing.T) {
	tests := []struct {
		dt   DType
		bits uint16
		want float32
	}{
		{F16, 0x3c00, 1},
		{F16, 0xc000, -2},
		{F16, 0x7bff, 65504},                   // largest finite
		{F16, 0x0400, 6.103515625e-05},         // smallest normal, 2^-14
		{F16, 0x03ff, 6.097555160522461e-05},   // largest subnormal
		{F16, 0x0001, 5.960464477539063e-08},   // smallest subnormal, 2^-24
		{F16, 0x8001, -5.960464477539063e-08},  // negative subnormal
		{F16, 0x3555, 0.333251953125},          // nearest to 1/3
		{F16, 0x7c00, float32(math.Inf(1))},    // +inf
		{F16, 0xfc00, float32(math.Inf(-1))},   // -inf
		{BF16, 0x3f80, 1},                      // 1
		{BF16, 0xc000, -2},                     // -2
		{BF16, 0x3eab, 0.333984375},            // nearest to 1/3
		{BF16, 0x7f7f, 3.3895313892515355e+38}, // largest finite
		{BF16, 0x0001, 9.183549615799121e-41},  // smallest subnormal, 2^-133
		{BF16, 0xff80, float32(math.Inf(-1))},  // -inf
		{BF16, 0x0080, 1.1754943508222875e-38}, // smallest normal, 2^-126
		{BF16, 0x8000, float32(math.Copysign(0, -1))},
	}
	for _, tc := range tests {
		tensor := u16Tensor("x", tc.dt, []int64{1}, tc.bits)
		got32, err := tensor.Float32()
		if err != nil {
			t.Fatal(err)
		}
		got64, err := tensor.Float64()
		if err != nil {
			t.Fatal(err)
		}
		if math.Float32bits(got32[0]) != math.Float32bits(tc.want) || got64[0] != float64(tc.want) {
			t.Errorf("%s %#04x: Float32 %v, Float64 %v, want %v", tc.dt, tc.bits, got32[0], got64[0], tc.want)
		}
	}
	for _, tc := range []struct {
		dt   DType
		bits uint16
	}{{F16, 0x7e00}, {F16, 0x7c01}, {F16, 0xfe00}, {BF16, 0x7fc0}, {BF16, 0xff81}} {
		tensor := u16Tensor("nan", tc.dt, []int64{1}, tc.bits)
		got, err := tensor.Float32()
		if err != nil {
			t.Fatal(err)
		}
		if !math.IsNaN(float64(got[0])) {
			t.Errorf("%s %#04x: got %v, want NaN", tc.dt, tc.bits, got[0])
		}
	}
}

func TestConversions(t *testing.T) {
	f32 := f32Tensor("f32", []int64{2, 2}, 1.5, -0.25, float32(math.Inf(1)), 3e-40)
	f64 := f64Tensor("f64", []int64{3}, math.Pi, -1e300, 5e-324)
	i64 := i64Tensor("i64", []int64{3}, math.MinInt64, -1, math.MaxInt64)
	i32 := Tensor{Name: "i32", DType: I32, Shape: []int64{2}, Data: []byte{0xff, 0xff, 0xff, 0xff, 7, 0, 0, 0}}
	u32 := Tensor{Name: "u32", DType: U32, Shape: []int64{1}, Data: []byte{0xff, 0xff, 0xff, 0xff}}
	i16 := Tensor{Name: "i16", DType: I16, Shape: []int64{1}, Data: []byte{0x00, 0x80}}
	i8 := Tensor{Name: "i8", DType: I8, Shape: []int64{2}, Data: []byte{0x80, 0x7f}}
	u8 := Tensor{Name: "u8", DType: U8, Shape: []int64{1}, Data: []byte{0xff}}
	boolean := Tensor{Name: "bool", DType: Bool, Shape: []int64{3}, Data: []byte{0, 1, 2}}

	float64s := map[string]struct {
		in   Tensor
		want []float64
	}{
		"F64": {f64, []float64{math.Pi, -1e300, 5e-324}},
		"F32": {f32, []float64{1.5, -0.25, math.Inf(1), float64(float32(3e-40))}},
	}
	for name, tc := range float64s {
		got, err := tc.in.Float64()
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s Float64() = %v, %v; want %v", name, got, err, tc.want)
		}
	}
	if got, err := f32.Float32(); err != nil || !slices.Equal(got, []float32{1.5, -0.25, float32(math.Inf(1)), 3e-40}) {
		t.Errorf("F32 Float32() = %v, %v", got, err)
	}

	int64s := map[string]struct {
		in   Tensor
		want []int64
	}{
		"I64":  {i64, []int64{math.MinInt64, -1, math.MaxInt64}},
		"I32":  {i32, []int64{-1, 7}},
		"U32":  {u32, []int64{math.MaxUint32}},
		"I16":  {i16, []int64{math.MinInt16}},
		"I8":   {i8, []int64{-128, 127}},
		"U8":   {u8, []int64{255}},
		"BOOL": {boolean, []int64{0, 1, 1}},
	}
	for name, tc := range int64s {
		got, err := tc.in.Int64()
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s Int64() = %v, %v; want %v", name, got, err, tc.want)
		}
	}
}

func TestConversionsRejectOtherDTypes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mixed.safetensors")
	err := WriteFile(path, []Tensor{
		{Name: "q.i8", DType: I8, Shape: []int64{2}, Data: []byte{1, 2}},
		{Name: "fp8", DType: F8E4M3, Shape: []int64{2}, Data: []byte{1, 2}},
		{Name: "u64", DType: U64, Shape: []int64{1}, Data: make([]byte, 8)},
		f64Tensor("f64", []int64{1}, 1),
		f32Tensor("f32", []int64{1}, 1),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := openFile(t, path)
	tests := []struct {
		tensor, conversion string
	}{
		{"q.i8", "Float32"}, {"q.i8", "Float64"},
		{"fp8", "Float32"}, {"fp8", "Float64"}, {"fp8", "Int64"},
		{"u64", "Int64"}, {"f64", "Float32"}, {"f64", "Int64"}, {"f32", "Int64"},
	}
	for _, tc := range tests {
		tensor, err := f.Tensor(tc.tensor)
		if err != nil {
			t.Fatal(err)
		}
		switch tc.conversion {
		case "Float32":
			_, err = tensor.Float32()
		case "Float64":
			_, err = tensor.Float64()
		case "Int64":
			_, err = tensor.Int64()
		}
		if !errors.Is(err, ErrUnsupportedDType) {
			t.Errorf("%s of %s: %v, want ErrUnsupportedDType", tc.conversion, tc.tensor, err)
			continue
		}
		for _, part := range []string{tc.tensor, path, string(tensor.DType)} {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("%s of %s: error %q does not name %q", tc.conversion, tc.tensor, err, part)
			}
		}
	}
}

func TestConversionsCheckDataLength(t *testing.T) {
	bad := Tensor{Name: "w", DType: F32, Shape: []int64{3}, Data: make([]byte, 8)}
	if _, err := bad.Float32(); !errors.Is(err, ErrInvalidTensor) {
		t.Errorf("Float32 of a short tensor: %v, want ErrInvalidTensor", err)
	}
	if _, err := bad.Float64(); !errors.Is(err, ErrInvalidTensor) {
		t.Errorf("Float64 of a short tensor: %v, want ErrInvalidTensor", err)
	}
	if _, ok := bad.Float32View(); ok {
		t.Error("Float32View of a short tensor succeeded")
	}
	badInt := Tensor{Name: "i", DType: I64, Shape: []int64{-1}, Data: nil}
	if _, err := badInt.Int64(); !errors.Is(err, ErrInvalidTensor) {
		t.Errorf("Int64 with a negative dim: %v, want ErrInvalidTensor", err)
	}
}

func TestFloat32View(t *testing.T) {
	path := filepath.Join(t.TempDir(), "view.safetensors")
	want := []float32{1, -2, 3.5, 1e-30}
	if err := WriteFile(path, []Tensor{f32Tensor("w", []int64{2, 2}, want...), u16Tensor("h", BF16, []int64{1}, 0x3f80)}, nil); err != nil {
		t.Fatal(err)
	}
	f := openFile(t, path)
	w, err := f.Tensor("w")
	if err != nil {
		t.Fatal(err)
	}
	view, ok := w.Float32View()
	if !littleEndianHost() {
		if ok {
			t.Fatal("Float32View succeeded on a big-endian host")
		}
		return
	}
	if !ok {
		t.Fatal("Float32View of an aligned F32 tensor failed")
	}
	if !slices.Equal(view, want) {
		t.Errorf("Float32View = %v, want %v", view, want)
	}
	if unsafe.Pointer(unsafe.SliceData(view)) != unsafe.Pointer(unsafe.SliceData(w.Data)) {
		t.Error("Float32View copied the data")
	}

	h, err := f.Tensor("h")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Float32View(); ok {
		t.Error("Float32View of a BF16 tensor succeeded")
	}
	buf := make([]byte, 4*len(want)+1)
	copy(buf[1:], w.Data)
	misaligned := Tensor{Name: "m", DType: F32, Shape: []int64{4}, Data: buf[1:]}
	if uintptr(unsafe.Pointer(unsafe.SliceData(misaligned.Data)))%4 != 0 {
		if _, ok := misaligned.Float32View(); ok {
			t.Error("Float32View of misaligned data succeeded")
		}
	}
	if got, err := misaligned.Float32(); err != nil || !slices.Equal(got, want) {
		t.Errorf("Float32 of misaligned data = %v, %v; want %v", got, err, want)
	}
	empty := Tensor{Name: "e", DType: F32, Shape: []int64{0}}
	if got, ok := empty.Float32View(); !ok || len(got) != 0 {
		t.Errorf("Float32View of an empty tensor = %v, %v", got, ok)
	}
}

func TestDTypeSize(t *testing.T) {
	tests := []struct {
		dt   DType
		size int
		ok   bool
	}{
		{F32, 4, true}, {BF16, 2, true}, {F16, 2, true}, {F64, 8, true}, {I64, 8, true}, {I32, 4, true},
		{Bool, 1, true}, {F8E4M3, 1, true}, {C64, 8, true}, {F4, 0, false}, {F6E2M3, 0, false}, {"Q7", 0, false},
	}
	for _, tc := range tests {
		size, err := tc.dt.Size()
		if (err == nil) != tc.ok || size != tc.size {
			t.Errorf("%s.Size() = %d, %v; want %d, ok=%v", tc.dt, size, err, tc.size, tc.ok)
		}
	}
}

func TestNumElements(t *testing.T) {
	tests := []struct {
		shape []int64
		want  int64
	}{
		{nil, 1}, {[]int64{}, 1}, {[]int64{3, 1, 43}, 129}, {[]int64{5, 0, 7}, 0}, {[]int64{-1}, 0}, {[]int64{1 << 40, 1 << 40}, 0},
	}
	for _, tc := range tests {
		if got := (Tensor{Shape: tc.shape}).NumElements(); got != tc.want {
			t.Errorf("NumElements(%v) = %d, want %d", tc.shape, got, tc.want)
		}
	}
}

func BenchmarkFloat32(b *testing.B) {
	const n = 1 << 20
	for _, dt := range []DType{F32, BF16, F16} {
		size, _ := dt.Size()
		tensor := Tensor{Name: "w", DType: dt, Shape: []int64{n}, Data: make([]byte, n*size)}
		for i := range tensor.Data {
			tensor.Data[i] = byte(i * 7)
		}
		b.Run(string(dt), func(b *testing.B) {
			b.SetBytes(int64(len(tensor.Data)))
			for b.Loop() {
				if _, err := tensor.Float32(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
