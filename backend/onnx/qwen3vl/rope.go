package qwen3vl

import "github.com/vlmask/vlmask/backend/onnx/blocks"

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
	rows, cols := blocks.MergeOrder(t, h, w, merge)
	res := make([]float32, len(rows)*dim)
	for p := range rows {
		copy(res[p*dim:(p+1)*dim], grid[(rows[p]*w+cols[p])*dim:])
	}
	return res
}
