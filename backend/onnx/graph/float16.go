package graph

import "math"

// Float16Bits is the IEEE 754 half-precision encoding of f, rounded to
// nearest, ties to even (values beyond the range become ±Inf).
func Float16Bits(f float64) uint16 { return uint16(narrowFloat(f, 10, 5)) }

// BFloat16Bits is the bfloat16 encoding of f (the top half of a float32),
// rounded to nearest, ties to even, straight from float64 so there is no
// double rounding.
func BFloat16Bits(f float64) uint16 { return uint16(narrowFloat(f, 7, 8)) }

// Float16Value decodes an IEEE 754 half-precision value.
func Float16Value(bits uint16) float64 { return widenFloat(uint64(bits), 10, 5) }

// BFloat16Value decodes a bfloat16 value.
func BFloat16Value(bits uint16) float64 {
	return float64(math.Float32frombits(uint32(bits) << 16))
}

// narrowFloat encodes f in a binary format with mant mantissa bits and exp
// exponent bits, rounding to nearest even in one step.
func narrowFloat(f float64, mant, exp uint) uint64 {
	var sign uint64
	if math.Signbit(f) {
		sign = 1 << (mant + exp)
	}
	bias := 1<<(exp-1) - 1
	expMask := uint64(1)<<exp - 1
	switch {
	case math.IsNaN(f):
		return sign | expMask<<mant | 1<<(mant-1)
	case math.IsInf(f, 0):
		return sign | expMask<<mant
	}
	a := math.Abs(f)
	if a == 0 {
		return sign
	}
	_, e := math.Frexp(a) // a = m·2^e, m in [0.5, 1)
	unbiased := e - 1
	minExp := 1 - bias
	if unbiased < minExp {
		// Subnormal: the integer mantissa is a/2^(minExp-mant). A carry to
		// 1<<mant is exactly the smallest normal's encoding.
		return sign | uint64(math.RoundToEven(math.Ldexp(a, int(mant)-minExp)))
	}
	q := uint64(math.RoundToEven(math.Ldexp(a, int(mant)-unbiased))) // in [2^mant, 2^(mant+1)]
	if q == 1<<(mant+1) {
		unbiased++
		q = 1 << mant
	}
	if unbiased > bias {
		return sign | expMask<<mant
	}
	return sign | uint64(unbiased+bias)<<mant | (q - 1<<mant)
}

// widenFloat decodes bits of a binary format with mant mantissa bits and
// exp exponent bits.
func widenFloat(bits uint64, mant, exp uint) float64 {
	sign := 1.0
	if bits>>(mant+exp)&1 == 1 {
		sign = -1
	}
	bias := 1<<(exp-1) - 1
	e := int(bits >> mant & (1<<exp - 1))
	m := bits & (1<<mant - 1)
	switch {
	case e == 1<<exp-1 && m != 0:
		return math.NaN()
	case e == 1<<exp-1:
		return math.Inf(int(sign))
	case e == 0:
		return sign * math.Ldexp(float64(m), 1-bias-int(mant))
	}
	return sign * math.Ldexp(float64(m|1<<mant), e-bias-int(mant))
}
