package qwen2vl

import (
	"slices"
	"testing"
)

// windowOrderReference is the window permutation as the Qwen2.5-VL
// description gives it: number the t×h×w merged tokens, pad each slice's
// grid on the bottom and right with a sentinel up to the next multiple of
// side (a whole extra row or column of windows when h or w already is
// one), cut it into side×side windows read row-major, read each window's
// tokens row-major leaving out the sentinel, and drop the windows that
// hold only padding.
func windowOrderReference(t, h, w, side int) (order, sizes []int) {
	const pad = -100
	ph := h + side - h%side
	pw := w + side - w%side
	for ti := 0; ti < t; ti++ {
		grid := make([]int, ph*pw)
		for i := range grid {
			grid[i] = pad
		}
		for r := 0; r < h; r++ {
			for c := 0; c < w; c++ {
				grid[r*pw+c] = (ti*h+r)*w + c
			}
		}
		for wr := 0; wr < ph/side; wr++ {
			for wc := 0; wc < pw/side; wc++ {
				n := 0
				for i := 0; i < side; i++ {
					for j := 0; j < side; j++ {
						if k := grid[(wr*side+i)*pw+wc*side+j]; k != pad {
							order = append(order, k)
							n++
						}
					}
				}
				if n > 0 {
					sizes = append(sizes, n)
				}
			}
		}
	}
	return order, sizes
}

func TestWindowOrder(t *testing.T) {
	tests := map[string]struct{ t, h, w, side int }{
		"golden qwen2_5_vl_basic: 5×7 in 2×2 windows": {1, 5, 7, 2},
		"portrait, partial bottom row":                {1, 9, 4, 4},
		"landscape, partial right column":             {1, 4, 10, 4},
		"exact multiple":                              {1, 8, 8, 4},
		"image smaller than one window":               {1, 3, 2, 4},
		"one-token windows":                           {1, 3, 5, 1},
		"two temporal slices":                         {2, 5, 3, 2},
		"real 112-pixel windows on a 30×23 grid":      {1, 30, 23, 4},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			order, sizes, err := windowOrder(tc.t, tc.h, tc.w, tc.side)
			if err != nil {
				t.Fatal(err)
			}
			wantOrder, wantSizes := windowOrderReference(tc.t, tc.h, tc.w, tc.side)
			if !slices.Equal(order, wantOrder) {
				t.Errorf("order %v, want %v", order, wantOrder)
			}
			if !slices.Equal(sizes, wantSizes) {
				t.Errorf("sizes %v, want %v", sizes, wantSizes)
			}
			sorted := slices.Sorted(slices.Values(order))
			for i, k := range sorted {
				if k != i {
					t.Fatalf("order is not a permutation of 0..%d: %v", tc.t*tc.h*tc.w-1, order)
				}
			}
		})
	}
}

// TestWindowOrderGolden spells out the golden case's windows: a 5×7
// merged grid in 2×2 windows is 3×4 windows, the right column one token
// wide and the bottom row one token tall.
func TestWindowOrderGolden(t *testing.T) {
	_, sizes, err := windowOrder(1, 5, 7, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{4, 4, 4, 2, 4, 4, 4, 2, 2, 2, 2, 1}
	if !slices.Equal(sizes, want) {
		t.Errorf("sizes %v, want %v", sizes, want)
	}
	order, _, _ := windowOrder(1, 5, 7, 2)
	if first := order[:6]; !slices.Equal(first, []int{0, 1, 7, 8, 2, 3}) {
		t.Errorf("first tokens %v, want [0 1 7 8 2 3]", first)
	}
}

func TestWindowOrderRejectsEmptyWindow(t *testing.T) {
	if _, _, err := windowOrder(1, 4, 4, 0); err == nil {
		t.Error("a window of 0 merged tokens was accepted")
	}
}

// TestPermuteRows: merged-token rows go to window order in groups of
// unit rows, and unpermuteRows puts one row per token back.
func TestPermuteRows(t *testing.T) {
	order := []int{2, 0, 1}
	x := []int{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5} // 3 tokens × 2 patches × width 2
	got := permuteRows(x, order, 2, 2)
	want := []int{4, 4, 5, 5, 0, 0, 1, 1, 2, 2, 3, 3}
	if !slices.Equal(got, want) {
		t.Errorf("permuteRows = %v, want %v", got, want)
	}
	merged := []int{20, 21, 0, 1, 10, 11} // tokens 2, 0, 1, width 2
	if back := unpermuteRows(merged, order, 2); !slices.Equal(back, []int{0, 1, 10, 11, 20, 21}) {
		t.Errorf("unpermuteRows = %v", back)
	}
}
