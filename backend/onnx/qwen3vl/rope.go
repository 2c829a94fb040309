package qwen3vl

import "math"

// ropeInvFreq is 1 / theta^(2i/dim) for i < dim/2, computed in float32 as
// transformers does (arange cast to float, divided by dim, theta raised to
// it, then inverted).
func ropeInvFreq(theta float64, dim int) []float32 {
	inv := make([]float32, dim/2)
	for i := range inv {
		exp := float32(2*i) / float32(dim)
		inv[i] = 1 / float32(math.Pow(theta, float64(exp)))
	}
	return inv
}

// textRope computes the decoder's cos and sin tables, [n, headDim] each, for
// the tokens whose MRoPE position ids are pos[0..2][i] (temporal, height,
// width). With interleaved sections (Qwen3-VL) frequency i takes its
// position from the height row when i%3 == 1 and i < 3·section[1], from the
// width row when i%3 == 2 and i < 3·section[2], else from the temporal row;
// with contiguous sections (Qwen2-VL, Qwen2.5-VL) the first section[0]
// frequencies use t, the next section[1] use h, the rest w. Plain RoPE is
// the case of three equal rows. Products and the trigonometry are float32,
// as transformers computes them even in a float64 model.
func textRope(invFreq []float32, section []int, interleaved bool, pos [3][]int64) (cos, sin []float32) {
	half := len(invFreq)
	axis := ropeAxes(half, section, interleaved)
	n := len(pos[0])
	dim := 2 * half
	cos = make([]float32, n*dim)
	sin = make([]float32, n*dim)
	for t := 0; t < n; t++ {
		row := t * dim
		for i := 0; i < half; i++ {
			angle := float32(pos[axis[i]][t]) * invFreq[i]
			c := float32(math.Cos(float64(angle)))
			s := float32(math.Sin(float64(angle)))
			cos[row+i], cos[row+half+i] = c, c
			sin[row+i], sin[row+half+i] = s, s
		}
	}
	return cos, sin
}

// ropeAxes says, for each of the half frequencies, which position row (0 t,
// 1 h, 2 w) drives it.
func ropeAxes(half int, section []int, interleaved bool) []int {
	axis := make([]int, half)
	if len(section) != 3 {
		return axis // plain RoPE: every frequency follows row 0
	}
	if interleaved {
		for d := 1; d <= 2; d++ {
			for i := d; i < 3*section[d] && i < half; i += 3 {
				axis[i] = d
			}
		}
		return axis
	}
	i := 0
	for d, width := range section {
		for k := 0; k < width && i < half; k++ {
			axis[i] = d
			i++
		}
	}
	return axis
}

// visionRope computes the vision tower's cos and sin tables, [patches,
// headDim] each, for one image of grid (t, h, w) with patches in the
// processor's merge-window order (t, block row, block col, row in block,
// col in block). Each patch's first headDim/4 frequencies follow its row,
// the next headDim/4 its column (theta 10000), doubled as in rotate_half.
func visionRope(headDim, t, h, w, merge int) (cos, sin []float32) {
	inv := ropeInvFreq(10000, headDim/2) // headDim/4 frequencies
	quarter := len(inv)
	rows, cols := patchCoords(t, h, w, merge)
	n := len(rows)
	cos = make([]float32, n*headDim)
	sin = make([]float32, n*headDim)
	half := headDim / 2
	for p := 0; p < n; p++ {
		base := p * headDim
		for i := 0; i < quarter; i++ {
			for k, coord := range [2]int{rows[p], cols[p]} {
				angle := float32(coord) * inv[i]
				c := float32(math.Cos(float64(angle)))
				s := float32(math.Sin(float64(angle)))
				j := k*quarter + i
				cos[base+j], cos[base+half+j] = c, c
				sin[base+j], sin[base+half+j] = s, s
			}
		}
	}
	return cos, sin
}

// patchCoords lists every patch's (row, col) in the patch grid, in the
// processor's merge-window order, repeated for each temporal slice.
func patchCoords(t, h, w, merge int) (rows, cols []int) {
	n := t * h * w
	rows = make([]int, 0, n)
	cols = make([]int, 0, n)
	for ti := 0; ti < t; ti++ {
		for br := 0; br < h/merge; br++ {
			for bc := 0; bc < w/merge; bc++ {
				for ir := 0; ir < merge; ir++ {
					for ic := 0; ic < merge; ic++ {
						rows = append(rows, br*merge+ir)
						cols = append(cols, bc*merge+ic)
					}
				}
			}
		}
	}
	return rows, cols
}

// linspace32 is torch.linspace(start, end, steps) in float32: the first
// half counts up from start, the second half down from end, as PyTorch's
// kernel does.
func linspace32(start, end float32, steps int) []float32 {
	out := make([]float32, steps)
	if steps == 1 {
		out[0] = start
		return out
	}
	step := (end - start) / float32(steps-1)
	halfway := steps / 2
	for i := range out {
		if i < halfway {
			out[i] = start + step*float32(i)
		} else {
			out[i] = end - step*float32(steps-i-1)
		}
	}
	return out
}

// interpolatePosEmbed is Qwen3-VL's fast_pos_embed_interpolate for one image:
// the learned table of side×side position embeddings (row-major, width
// dim) bilinearly interpolated to the h×w patch grid, returned in the
// processor's merge-window patch order and repeated over t, [t·h·w, dim].
func interpolatePosEmbed(table []float32, side, dim, t, h, w, merge int) []float32 {
	hIdx := linspace32(0, float32(side-1), h)
	wIdx := linspace32(0, float32(side-1), w)
	grid := make([]float32, h*w*dim) // row-major (r, c)
	for r := 0; r < h; r++ {
		r0 := int(hIdx[r])
		r1 := min(r0+1, side-1)
		dh := hIdx[r] - float32(r0)
		for c := 0; c < w; c++ {
			c0 := int(wIdx[c])
			c1 := min(c0+1, side-1)
			dw := wIdx[c] - float32(c0)
			weights := [4]float32{(1 - dh) * (1 - dw), (1 - dh) * dw, dh * (1 - dw), dh * dw}
			corners := [4]int{r0*side + c0, r0*side + c1, r1*side + c0, r1*side + c1}
			out := grid[(r*w+c)*dim : (r*w+c+1)*dim]
			for k := 0; k < dim; k++ {
				var sum float32
				for q := range corners {
					sum += table[corners[q]*dim+k] * weights[q]
				}
				out[k] = sum
			}
		}
	}
	rows, cols := patchCoords(t, h, w, merge)
	res := make([]float32, len(rows)*dim)
	for p := range rows {
		copy(res[p*dim:(p+1)*dim], grid[(rows[p]*w+cols[p])*dim:])
	}
	return res
}
