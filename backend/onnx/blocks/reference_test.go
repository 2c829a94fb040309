package blocks

import "math"

// Straightforward float64 implementations of what the blocks compute,
// written from the formulas (row-major slices), as the tests' reference.

func refNorm(kind NormKind, x, w, bias []float64, width int, eps float64) []float64 {
	out := make([]float64, len(x))
	for r := 0; r < len(x)/width; r++ {
		row := x[r*width : (r+1)*width]
		switch kind {
		case LayerNorm:
			mean, v := 0.0, 0.0
			for _, a := range row {
				mean += a
			}
			mean /= float64(width)
			for _, a := range row {
				v += (a - mean) * (a - mean)
			}
			v /= float64(width)
			for i, a := range row {
				out[r*width+i] = (a-mean)/math.Sqrt(v+eps)*w[i] + bias[i]
			}
		default:
			ms := 0.0
			for _, a := range row {
				ms += a * a
			}
			inv := 1 / math.Sqrt(ms/float64(width)+eps)
			for i, a := range row {
				scale := w[i]
				if kind == OffsetRMSNorm {
					scale = 1 + w[i]
				}
				out[r*width+i] = a * inv * scale
			}
		}
	}
	return out
}

func refAct(a Activation, x float64) float64 {
	switch a {
	case GELU:
		return 0.5 * x * (1 + math.Erf(x/math.Sqrt2))
	case GELUTanh:
		return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
	case QuickGELU:
		return x / (1 + math.Exp(-1.702*x))
	default:
		return x / (1 + math.Exp(-x))
	}
}

// refLinear is x [rows, in] · Wᵀ (W [out, in]) + bias.
func refLinear(x, w, bias []float64, in, out int) []float64 {
	rows := len(x) / in
	y := make([]float64, rows*out)
	for r := 0; r < rows; r++ {
		for o := 0; o < out; o++ {
			s := 0.0
			if bias != nil {
				s = bias[o]
			}
			for k := 0; k < in; k++ {
				s += x[r*in+k] * w[o*in+k]
			}
			y[r*out+o] = s
		}
	}
	return y
}

// refRope rotates each head vector (width hd) of x [rows, heads, hd] with
// row r's cos and sin [rows, hd]: x·cos + rotate_half(x)·sin.
func refRope(x, cos, sin []float64, rows, heads, hd int) []float64 {
	out := make([]float64, len(x))
	half := hd / 2
	for r := 0; r < rows; r++ {
		for h := 0; h < heads; h++ {
			v := x[(r*heads+h)*hd : (r*heads+h+1)*hd]
			o := out[(r*heads+h)*hd : (r*heads+h+1)*hd]
			for i := 0; i < hd; i++ {
				var rot float64
				if i < half {
					rot = -v[i+half]
				} else {
					rot = v[i-half]
				}
				o[i] = v[i]*cos[r*hd+i] + rot*sin[r*hd+i]
			}
		}
	}
	return out
}

// refSoftmax is the softmax of one row; −inf entries get weight 0.
func refSoftmax(row []float64) []float64 {
	m := math.Inf(-1)
	for _, v := range row {
		m = math.Max(m, v)
	}
	out := make([]float64, len(row))
	sum := 0.0
	for i, v := range row {
		out[i] = math.Exp(v - m)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

func add(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] + b[i]
	}
	return out
}

func cos32(a float32) float32 { return float32(math.Cos(float64(a))) }
func sin32(a float32) float32 { return float32(math.Sin(float64(a))) }
