package blocks

import "math"

// VisionRope2D computes the Qwen-VL vision towers' 2-D rotary tables,
// [patches, headDim] each, for one image of grid (t, h, w) with patches in
// the processor's merge-window order (MergeOrder). Each patch's first
// headDim/4 frequencies follow its row, the next headDim/4 its column
// (theta 10000), doubled as rotate_half expects; float32 throughout, as
// transformers computes them.
func VisionRope2D(headDim, t, h, w, merge int) (cos, sin []float32) {
	inv := RopeInvFreq(10000, headDim/2, 0) // headDim/4 frequencies
	quarter := len(inv)
	rows, cols := MergeOrder(t, h, w, merge)
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

// MergeOrder lists every patch's (row, col) in the patch grid, in the
// Qwen-VL processor's merge-window order (t, block row, block col, row in
// block, col in block), repeated for each temporal slice.
func MergeOrder(t, h, w, merge int) (rows, cols []int) {
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
