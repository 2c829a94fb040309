package qwen2vl

import "fmt"

// windowOrder is Qwen2.5-VL's window permutation for one image whose
// merged-token grid is t×h×w (merged tokens in row-major order, as the
// processor emits them) and whose windows are side×side merged tokens.
//
// Windows tile each temporal slice from the top-left corner; those on the
// bottom and right edges are cut short when h or w is not a multiple of
// side. order lists the merged tokens window by window (windows row-major,
// tokens row-major inside each) and sizes the number of tokens in each
// window, in the same order; no window is empty.
func windowOrder(t, h, w, side int) (order, sizes []int, err error) {
	if side < 1 {
		return nil, nil, fmt.Errorf("window of %d merged tokens: window_size must be at least patch_size × spatial_merge_size", side)
	}
	order = make([]int, 0, t*h*w)
	for ti := 0; ti < t; ti++ {
		for r0 := 0; r0 < h; r0 += side {
			for c0 := 0; c0 < w; c0 += side {
				n := 0
				for r := r0; r < min(r0+side, h); r++ {
					for c := c0; c < min(c0+side, w); c++ {
						order = append(order, (ti*h+r)*w+c)
						n++
					}
				}
				sizes = append(sizes, n)
			}
		}
	}
	return order, sizes, nil
}

// permuteRows returns the rows of x (each width wide, grouped unit rows
// per merged token) in the merged-token order.
func permuteRows[T any](x []T, order []int, unit, width int) []T {
	block := unit * width
	out := make([]T, 0, len(x))
	for _, k := range order {
		out = append(out, x[k*block:(k+1)*block]...)
	}
	return out
}

// unpermuteRows undoes the permutation of merged-token rows of x (each
// width wide): row i of x goes back to row order[i].
func unpermuteRows[T any](x []T, order []int, width int) []T {
	out := make([]T, len(x))
	for i, k := range order {
		copy(out[k*width:(k+1)*width], x[i*width:(i+1)*width])
	}
	return out
}
