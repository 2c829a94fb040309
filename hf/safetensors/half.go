package safetensors

// bfloat16ToFloat32Bits converts bfloat16 bits to the bits of the float32 with the
// same value. The conversion is exact: bfloat16 is float32 with the low 16
// mantissa bits dropped.
func bfloat16ToFloat32Bits(h uint16) uint32 { return uint32(h) << 16 }

// float16ToFloat32Bits converts IEEE 754 binary16 bits to the bits of the float32
// with the same value, exactly: subnormals become normal float32 values,
// infinities stay infinite, and a NaN keeps its sign and payload (so a
// signalling NaN stays signalling).
func float16ToFloat32Bits(h uint16) uint32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x03ff)
	switch {
	case exp == 0x1f: // infinity or NaN
		return sign | 0x7f800000 | mant<<13
	case exp != 0: // normal: rebias the exponent from 15 to 127
		return sign | (exp+127-15)<<23 | mant<<13
	case mant == 0: // signed zero
		return sign
	}
	// Subnormal: mant × 2^-24. Shift the mantissa up until its leading one
	// sits in the implicit-bit position, lowering the exponent as we go.
	e := uint32(127 - 15 + 1)
	for mant&0x0400 == 0 {
		mant <<= 1
		e--
	}
	return sign | e<<23 | (mant&0x03ff)<<13
}
