package mrope

import (
	"errors"
	"slices"
	"testing"
)

// testOptions are the tiny golden checkpoints' ids: <|vision_start|> 507,
// <|image_pad|> 510, <|video_pad|> 511, merge 2.
func testOptions(f Family) Options {
	return Options{ImageTokenID: 510, VideoTokenID: 511, VisionStartTokenID: 507, SpatialMergeSize: 2, Family: f}
}

// prompt builds ids from text runs (given as lengths of filler tokens) and
// images (given as their token count), each image preceded by
// <|vision_start|> and followed by <|vision_end|> (508).
func prompt(parts ...int) []int {
	var ids []int
	for i, n := range parts {
		if i%2 == 0 {
			for range n {
				ids = append(ids, 42)
			}
			continue
		}
		ids = append(ids, 507)
		for range n {
			ids = append(ids, 510)
		}
		ids = append(ids, 508)
	}
	return ids
}

// TestPositionIDsHandComputed checks the qwen3_vl_basic golden prompt (43
// tokens, one 1×8×8 image) against ids worked out by hand: 0..4 for
// "<|im_start|>user\n<|vision_start|>", then the 4×4 merged cells at
// t = 5, h = 5 + row, w = 5 + col, then <|vision_end|> at 9 and the 21
// remaining tokens at 10..30; delta = 31 − 43 = −12.
func TestPositionIDsHandComputed(t *testing.T) {
	ids := []int{505, 84, 493, 198, 507, 510, 510, 510, 510, 510, 510, 510, 510, 510, 510, 510, 510, 510, 510, 510, 510, 508, 54, 71, 266, 6, 82, 289, 336, 220, 367, 64, 430, 30, 506, 198, 505, 481, 82, 277, 83, 382, 198}
	want := [3][]int64{
		{0, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30},
		{0, 1, 2, 3, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30},
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 5, 6, 7, 8, 5, 6, 7, 8, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30},
	}
	for _, f := range []Family{"", Qwen2VL, Qwen25VL, Qwen3VL} {
		p, err := PositionIDs(ids, []Grid{{1, 8, 8}}, testOptions(f))
		if err != nil {
			t.Fatal(err)
		}
		if !equalRows(p.Rows(), want) || p.Delta != -12 {
			t.Errorf("family %q: got %v delta %d; want %v delta -12", f, p.Rows(), p.Delta, want)
		}
	}
}

func equalRows(a, b [3][]int64) bool {
	return slices.Equal(a[0], b[0]) && slices.Equal(a[1], b[1]) && slices.Equal(a[2], b[2])
}

// TestPositionIDsTwoImages: the second image starts after the text that
// follows the first image's largest id, and delta accounts for both.
func TestPositionIDsTwoImages(t *testing.T) {
	// text 2 | vs + 2×3 merged (grid 1×4×6) + ve | text 1 | vs + 1×2 (grid 1×2×4) + ve | text 2
	ids := prompt(2, 6, 1, 2, 2)
	p, err := PositionIDs(ids, []Grid{{1, 4, 6}, {1, 2, 4}}, testOptions(Qwen3VL))
	if err != nil {
		t.Fatal(err)
	}
	// 0,1 text; 2 vs; image at base 3: t 3, h 3..4, w 3..5 → max 5;
	// ve 6; text 7; vs 8; image at base 9: t 9, h 9, w 9..10 → max 10;
	// ve 11; text 12, 13. Delta = 14 − 17.
	want := [3][]int64{
		{0, 1, 2, 3, 3, 3, 3, 3, 3, 6, 7, 8, 9, 9, 11, 12, 13},
		{0, 1, 2, 3, 3, 3, 4, 4, 4, 6, 7, 8, 9, 9, 11, 12, 13},
		{0, 1, 2, 3, 4, 5, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13},
	}
	if !equalRows(p.Rows(), want) || p.Delta != 14-17 {
		t.Errorf("got %v delta %d; want %v delta %d", p.Rows(), p.Delta, want, 14-17)
	}
	layout, err := ImageTokenLayout(ids, []Grid{{1, 4, 6}, {1, 2, 4}}, testOptions(Qwen3VL))
	if err != nil {
		t.Fatal(err)
	}
	wantLayout := map[int]TokenPlace{
		0: {-1, -1, -1, -1}, 2: {-1, -1, -1, -1},
		3: {0, 0, 0, 0}, 5: {0, 0, 0, 2}, 6: {0, 0, 1, 0}, 8: {0, 0, 1, 2},
		9: {-1, -1, -1, -1}, 12: {1, 0, 0, 0}, 13: {1, 0, 0, 1}, 16: {-1, -1, -1, -1},
	}
	for pos, want := range wantLayout {
		if layout[pos] != want {
			t.Errorf("layout[%d] = %+v; want %+v", pos, layout[pos], want)
		}
	}
	if len(layout) != len(ids) {
		t.Errorf("layout has %d entries for %d ids", len(layout), len(ids))
	}
}

// TestPositionIDsTextOnly: no image tokens and no grids give 0..n−1 on all
// rows with delta 0, the same as TextPositions.
func TestPositionIDsTextOnly(t *testing.T) {
	ids := prompt(7)
	p, err := PositionIDs(ids, nil, testOptions(Qwen3VL))
	if err != nil {
		t.Fatal(err)
	}
	want := TextPositions(7)
	if !equalRows(p.Rows(), want.Rows()) || p.Delta != 0 || !slices.Equal(want.T, []int64{0, 1, 2, 3, 4, 5, 6}) {
		t.Errorf("got %v delta %d", p.Rows(), p.Delta)
	}
	empty, err := PositionIDs(nil, nil, testOptions(Qwen3VL))
	if err != nil || empty.Len() != 0 || empty.Delta != 0 {
		t.Errorf("empty prompt: %+v, %v", empty, err)
	}
}

// TestPositionIDsMultiFrame: an image with two frames counts frames on the
// temporal row for Qwen2-VL/Qwen3-VL, but not for Qwen2.5-VL, where
// second_per_grid_t is 0 for images.
func TestPositionIDsMultiFrame(t *testing.T) {
	ids := prompt(1, 2, 1) // grid 2×2×2 → 2 frames × 1×1 merged
	// text 0, vs 1, image at base 2 (frames 0 and 1 of one 1×1 cell), ve, text.
	tests := []struct {
		family       Family
		wantT, wantH []int64
		delta        int64
	}{
		{Qwen2VL, []int64{0, 1, 2, 3, 4, 5}, []int64{0, 1, 2, 2, 4, 5}, 0},
		{Qwen3VL, []int64{0, 1, 2, 3, 4, 5}, []int64{0, 1, 2, 2, 4, 5}, 0},
		{Qwen25VL, []int64{0, 1, 2, 2, 3, 4}, []int64{0, 1, 2, 2, 3, 4}, -1},
	}
	for _, tc := range tests {
		p, err := PositionIDs(ids, []Grid{{2, 2, 2}}, testOptions(tc.family))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.T, tc.wantT) || !slices.Equal(p.H, tc.wantH) || !slices.Equal(p.W, tc.wantH) || p.Delta != tc.delta {
			t.Errorf("%s: rows %v delta %d; want t %v, h = w %v, delta %d", tc.family, p.Rows(), p.Delta, tc.wantT, tc.wantH, tc.delta)
		}
	}
	layout, err := ImageTokenLayout(ids, []Grid{{2, 2, 2}}, testOptions(Qwen3VL))
	if err != nil {
		t.Fatal(err)
	}
	if layout[2] != (TokenPlace{0, 0, 0, 0}) || layout[3] != (TokenPlace{0, 1, 0, 0}) {
		t.Errorf("frames in layout: %+v %+v", layout[2], layout[3])
	}
}

// TestExtend: appended tokens get cache position + delta on all rows, the
// same as recomputing the longer prompt, and the original is untouched.
func TestExtend(t *testing.T) {
	ids := prompt(3, 4, 2)
	grids := []Grid{{1, 4, 4}}
	p, err := PositionIDs(ids, grids, testOptions(Qwen3VL))
	if err != nil {
		t.Fatal(err)
	}
	before := slices.Clone(p.T)
	for k := range 4 {
		ext := p.Extend(k)
		longer, err := PositionIDs(append(slices.Clone(ids), make([]int, k)...), grids, testOptions(Qwen3VL))
		if err != nil {
			t.Fatal(err)
		}
		if !equalRows(ext.Rows(), longer.Rows()) || ext.Delta != longer.Delta {
			t.Errorf("Extend(%d) = %v; recomputed %v", k, ext.Rows(), longer.Rows())
		}
		if ext.Len() > 0 {
			ext.T[0] = 99
		}
		if !slices.Equal(p.T, before) {
			t.Fatalf("Extend(%d) shares memory with its receiver", k)
		}
	}
}

// TestPositionIDsErrors checks the refused prompts.
func TestPositionIDsErrors(t *testing.T) {
	img := prompt(2, 4, 1) // one 2×2 merged image
	noStart := slices.Clone(img)
	noStart[2] = 42 // the <|vision_start|> before the image
	split := []int{42, 507, 510, 510, 42, 510, 510, 508}
	tests := []struct {
		name  string
		ids   []int
		grids []Grid
		opts  Options
		want  error
	}{
		{"grid without tokens", prompt(5), []Grid{{1, 4, 4}}, testOptions(Qwen3VL), ErrMismatch},
		{"tokens without grid", img, nil, testOptions(Qwen3VL), ErrMismatch},
		{"too few tokens for the grid", img, []Grid{{1, 4, 6}}, testOptions(Qwen3VL), ErrMismatch},
		{"too many tokens for the grid", img, []Grid{{1, 2, 2}}, testOptions(Qwen3VL), ErrMismatch},
		{"two grids, one block", img, []Grid{{1, 2, 2}, {1, 2, 6}}, testOptions(Qwen3VL), ErrMismatch},
		{"no vision_start", noStart, []Grid{{1, 4, 4}}, testOptions(Qwen3VL), ErrMismatch},
		{"block interrupted by text", split, []Grid{{1, 4, 4}}, testOptions(Qwen3VL), ErrMismatch},
		{"video token", []int{42, 507, 511, 508}, nil, testOptions(Qwen3VL), ErrVideoUnsupported},
		{"grid side not divisible by merge", prompt(1, 3, 1), []Grid{{1, 2, 3}}, testOptions(Qwen3VL), ErrOptions},
		{"zero frames", img, []Grid{{0, 4, 4}}, testOptions(Qwen3VL), ErrOptions},
		{"merge size 0", img, []Grid{{1, 4, 4}}, Options{ImageTokenID: 510, VideoTokenID: 511, VisionStartTokenID: 507}, ErrOptions},
		{"unknown family", img, []Grid{{1, 4, 4}}, testOptions("llava"), ErrOptions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := PositionIDs(tc.ids, tc.grids, tc.opts); !errors.Is(err, tc.want) {
				t.Errorf("PositionIDs: err = %v; want %v", err, tc.want)
			}
			if _, err := ImageTokenLayout(tc.ids, tc.grids, tc.opts); !errors.Is(err, tc.want) {
				t.Errorf("ImageTokenLayout: err = %v; want %v", err, tc.want)
			}
		})
	}
}
