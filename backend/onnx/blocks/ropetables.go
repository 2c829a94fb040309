package blocks

import "math"

// RopeInvFreq is 1 / theta^(2i/dim) for i < dim/2, computed in float32 as
// transformers does (arange cast to float, divided by dim, theta raised to
// it, then inverted), divided by factor for linear RoPE scaling (factor 0
// or 1: none).
func RopeInvFreq(theta float64, dim int, factor float64) []float32 {
	inv := make([]float32, dim/2)
	for i := range inv {
		exp := float32(2*i) / float32(dim)
		inv[i] = 1 / float32(math.Pow(theta, float64(exp)))
		if factor != 0 && factor != 1 {
			inv[i] /= float32(factor)
		}
	}
	return inv
}

// RopeTables computes a decoder's rotary cos and sin tables.
type RopeTables struct {
	// InvFreq are the head_dim/2 inverse frequencies (RopeInvFreq).
	InvFreq []float32
	// Section splits the frequencies among the temporal, height and width
	// position rows (MRoPE); nil for plain 1-D RoPE, which follows row 0.
	Section []int
	// Interleaved: Qwen3-VL's layout, where frequency i takes the height
	// row when i%3 == 1 and i < 3·Section[1], the width row when i%3 == 2
	// and i < 3·Section[2], else the temporal row. Otherwise the sections
	// are contiguous (Qwen2-VL, Qwen2.5-VL): the first Section[0]
	// frequencies use t, the next Section[1] h, the rest w.
	Interleaved bool
}

// Tables returns the cos and sin tables, [n, headDim] each, of the tokens
// whose position ids are pos[0..2][i] (temporal, height, width; 1-D models
// have the same ids on all three rows). Products and the trigonometry are
// float32, as transformers computes them even in a float64 model.
func (r RopeTables) Tables(pos [3][]int64) (cos, sin []float32) {
	half := len(r.InvFreq)
	axis := r.axes()
	n := len(pos[0])
	dim := 2 * half
	cos = make([]float32, n*dim)
	sin = make([]float32, n*dim)
	for t := 0; t < n; t++ {
		row := t * dim
		for i := 0; i < half; i++ {
			angle := float32(pos[axis[i]][t]) * r.InvFreq[i]
			c := float32(math.Cos(float64(angle)))
			s := float32(math.Sin(float64(angle)))
			cos[row+i], cos[row+half+i] = c, c
			sin[row+i], sin[row+half+i] = s, s
		}
	}
	return cos, sin
}

// axes says, for each frequency, which position row (0 t, 1 h, 2 w)
// drives it.
func (r RopeTables) axes() []int {
	half := len(r.InvFreq)
	axis := make([]int, half)
	if len(r.Section) != 3 {
		return axis
	}
	if r.Interleaved {
		for d := 1; d <= 2; d++ {
			for i := d; i < 3*r.Section[d] && i < half; i += 3 {
				axis[i] = d
			}
		}
		return axis
	}
	i := 0
	for d, width := range r.Section {
		for k := 0; k < width && i < half; k++ {
			axis[i] = d
			i++
		}
	}
	return axis
}

// Llama3Scaling is rope_scaling of rope_type "llama3" (Llama 3.1 and
// later): wavelengths longer than OriginalMax/LowFreqFactor are stretched
// by Factor, those shorter than OriginalMax/HighFreqFactor kept, and the
// ones between interpolated.
type Llama3Scaling struct {
	Factor, LowFreqFactor, HighFreqFactor float64
	OriginalMax                           int
}

// RopeInvFreqLlama3 is RopeInvFreq(theta, dim, 0) rescaled by s, in
// float32 as transformers computes it (its Python constants taken as
// float32 operands).
func RopeInvFreqLlama3(theta float64, dim int, s Llama3Scaling) []float32 {
	inv := RopeInvFreq(theta, dim, 0)
	factor := float32(s.Factor)
	low := float32(s.LowFreqFactor)
	old := float32(s.OriginalMax)
	lowWavelen := float32(float64(s.OriginalMax) / s.LowFreqFactor)
	highWavelen := float32(float64(s.OriginalMax) / s.HighFreqFactor)
	for i, f := range inv {
		wavelen := float32(2*math.Pi) / f
		scaled := f
		if wavelen > lowWavelen {
			scaled = f / factor
		}
		if !(wavelen < highWavelen) && !(wavelen > lowWavelen) {
			smooth := (old/wavelen - low) / float32(s.HighFreqFactor-s.LowFreqFactor)
			scaled = (1-smooth)*scaled/factor + smooth*scaled
		}
		inv[i] = scaled
	}
	return inv
}
