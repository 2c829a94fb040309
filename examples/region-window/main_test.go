package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/sdktest"
)

func TestConformance(t *testing.T) {
	sdktest.RunMaskingConformance(t, &regionWindow{k: 2})
}

func TestWindows(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		config string
		golden string
	}{
		"k=2 (default)": {config: ``, golden: "testdata/two-images.k2.golden.json"},
		"k=3":           {config: `{"k": 3}`, golden: "testdata/two-images.k3.golden.json"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := sdktest.DispenseMasking(t, &regionWindow{k: 2})
			if err := s.Configure(context.Background(), json.RawMessage(tc.config)); err != nil {
				t.Fatalf("Configure: %v", err)
			}
			resp, err := s.Mask(context.Background(), sdk.MaskRequest{Sequence: sdktest.LoadSequence(t, "testdata/two-images.json")})
			if err != nil {
				t.Fatalf("Mask: %v", err)
			}
			sdktest.Golden(t, tc.golden, resp)
		})
	}
}

// testdata/two-images.json is sdktest.SampleSequences()["two-images"].
func TestFixtureIsTheSample(t *testing.T) {
	t.Parallel()
	if got, want := sdktest.LoadSequence(t, "testdata/two-images.json"), sdktest.SampleSequences()["two-images"]; !reflect.DeepEqual(got, want) {
		t.Errorf("testdata/two-images.json differs from the sample sequence")
	}
}

func TestBadConfig(t *testing.T) {
	t.Parallel()
	s := sdktest.DispenseMasking(t, &regionWindow{k: 2})
	for _, config := range []string{`{"k": 0}`, `{"k": "two"}`, `[`} {
		if err := s.Configure(context.Background(), json.RawMessage(config)); !errors.Is(err, sdk.ErrInvalidConfig) {
			t.Errorf("Configure(%s) = %v, want sdk.ErrInvalidConfig", config, err)
		}
	}
}

// TestWindowsByHand checks the two-image sample against groups worked out by
// hand, not against a snapshot of the plugin's own output. The sample lays
// out <|im_start|> user \n, then image 0 (2×2 merged tokens) at positions
// 4–7 and image 1 (3×5) at 10–24, row-major: image 1's row r, column c is
// position 10 + 5r + c.
func TestWindowsByHand(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		k    int
		want []sdk.Group
	}{
		"k=2": {k: 2, want: []sdk.Group{
			{Label: "img0 r0-1 c0-1", Positions: []int{4, 5, 6, 7}},
			{Label: "img1 r0-1 c0-1", Positions: []int{10, 11, 15, 16}},
			{Label: "img1 r0-1 c2-3", Positions: []int{12, 13, 17, 18}},
			{Label: "img1 r0-1 c4-4", Positions: []int{14, 19}},
			{Label: "img1 r2-2 c0-1", Positions: []int{20, 21}},
			{Label: "img1 r2-2 c2-3", Positions: []int{22, 23}},
			{Label: "img1 r2-2 c4-4", Positions: []int{24}},
		}},
		"k=3": {k: 3, want: []sdk.Group{
			{Label: "img0 r0-1 c0-1", Positions: []int{4, 5, 6, 7}},
			{Label: "img1 r0-2 c0-2", Positions: []int{10, 11, 12, 15, 16, 17, 20, 21, 22}},
			{Label: "img1 r0-2 c3-4", Positions: []int{13, 14, 18, 19, 23, 24}},
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp, err := (&regionWindow{k: tc.k}).Mask(context.Background(), sdk.MaskRequest{Sequence: sdktest.SampleSequences()["two-images"]})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(resp.Groups, tc.want) {
				t.Errorf("groups\n got %v\nwant %v", resp.Groups, tc.want)
			}
		})
	}
}

// TestWindowsTileEachImage checks, on grids of many shapes, what a tiling
// means, from the image layout alone (first position, rows, columns): every
// image token is in exactly one window, no other token is in any, and each
// window is the block of rows and columns its label names, at most k×k.
func TestWindowsTileEachImage(t *testing.T) {
	t.Parallel()
	for rows := 1; rows <= 5; rows++ {
		for cols := 1; cols <= 6; cols++ {
			for k := 1; k <= 4; k++ {
				seq := sdk.Sequence{}
				first := 3 // two text tokens and a marker before the image
				for p := 0; p < first; p++ {
					seq.Tokens = append(seq.Tokens, sdk.Token{Position: p, Modality: sdk.Text, ImageIndex: -1, PatchRow: -1, PatchCol: -1})
				}
				for r := 0; r < rows; r++ {
					for c := 0; c < cols; c++ {
						seq.Tokens = append(seq.Tokens, sdk.Token{Position: len(seq.Tokens), Modality: sdk.Image, ImageIndex: 0, PatchRow: r, PatchCol: c})
					}
				}
				seq.Tokens = append(seq.Tokens, sdk.Token{Position: len(seq.Tokens), Modality: sdk.Text, ImageIndex: -1, PatchRow: -1, PatchCol: -1})
				seq.Images = []sdk.ImageInfo{{Index: 0, GridRows: rows, GridCols: cols, FirstPosition: first, NumTokens: rows * cols}}
				resp, err := (&regionWindow{k: k}).Mask(context.Background(), sdk.MaskRequest{Sequence: seq})
				if err != nil {
					t.Fatal(err)
				}
				if want := ((rows + k - 1) / k) * ((cols + k - 1) / k); len(resp.Groups) != want {
					t.Fatalf("%dx%d k=%d: %d windows, want ⌈%d/%d⌉·⌈%d/%d⌉ = %d", rows, cols, k, len(resp.Groups), rows, k, cols, k, want)
				}
				seen := map[int]int{}
				for _, g := range resp.Groups {
					var r0, r1, c0, c1 int
					if _, err := fmt.Sscanf(g.Label, "img0 r%d-%d c%d-%d", &r0, &r1, &c0, &c1); err != nil {
						t.Fatalf("label %q: %v", g.Label, err)
					}
					if r1-r0 >= k || c1-c0 >= k || r0%k != 0 || c0%k != 0 {
						t.Errorf("%dx%d k=%d: window %q is not a k-aligned block of at most k×k", rows, cols, k, g.Label)
					}
					var want []int
					for r := r0; r <= r1; r++ {
						for c := c0; c <= c1; c++ {
							want = append(want, first+r*cols+c)
						}
					}
					if !reflect.DeepEqual(g.Positions, want) {
						t.Errorf("%dx%d k=%d: window %q holds %v, want %v", rows, cols, k, g.Label, g.Positions, want)
					}
					for _, p := range g.Positions {
						seen[p]++
					}
				}
				for p := first; p < first+rows*cols; p++ {
					if seen[p] != 1 {
						t.Errorf("%dx%d k=%d: image position %d is in %d windows, want 1", rows, cols, k, p, seen[p])
					}
				}
				if len(seen) != rows*cols {
					t.Errorf("%dx%d k=%d: %d positions in windows, want the %d image tokens only", rows, cols, k, len(seen), rows*cols)
				}
			}
		}
	}
}
