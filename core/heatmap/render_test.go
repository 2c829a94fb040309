package heatmap

import (
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/vlmask/vlmask/hf/imageproc"
)

// twoLayers is a 2×3 map: layer 0 peaks at (0, 0) with 4 and has no value
// at (1, 2); layer 1 is 1 everywhere.
func twoLayers() ImageMaps {
	nan := math.NaN()
	return ImageMaps{Image: 0, Rows: 2, Cols: 3, Steps: []int{0}, Layers: []Grid{
		{Layer: 0, Values: []float64{4, 2, 0, 1, 1, nan}, Max: 4},
		{Layer: 1, Values: []float64{1, 1, 1, 1, 1, 1}, Max: 1},
	}}
}

// cellColour is the pixel at the centre of cell (r, c) of panel p.
func cellColour(sheet *image.RGBA, m ImageMaps, st Style, p, r, c int) color.RGBA {
	cell := max(1, st.Panel/max(m.Rows, m.Cols), (minPanelW+m.Cols-1)/m.Cols)
	pw, ph := m.Cols*cell, m.Rows*cell
	top := margin + lineHeight + gap // one title line
	x0 := margin + (p%st.Columns)*(pw+gap)
	y0 := top + (p/st.Columns)*(lineHeight+ph+gap) + lineHeight
	return sheet.RGBAAt(x0+c*cell+cell/2, y0+r*cell+cell/2)
}

func TestDraw(t *testing.T) {
	white := imageproc.NewRGB(30, 20)
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	base := color.RGBA{243, 243, 243, 255} // 90 + 0.6·255, rounded down
	grey := color.RGBA{200, 200, 200, 255}
	tests := map[string]struct {
		img   *imageproc.RGB
		scale Scale
		// expectations: panel, row, col → colour
		want map[[3]int]color.RGBA
	}{
		"per layer": {img: white, scale: ScaleLayer, want: map[[3]int]color.RGBA{
			{0, 0, 2}: base,                          // value 0: untouched
			{0, 1, 2}: base,                          // no value: untouched
			{0, 0, 0}: blend(base, hot(1), maxAlpha), // the layer's max
			{1, 0, 0}: blend(base, hot(1), maxAlpha), // layer 1 against its own max of 1
		}},
		"shared": {img: white, scale: ScaleShared, want: map[[3]int]color.RGBA{
			{0, 0, 0}: blend(base, hot(1), maxAlpha),
			{1, 0, 0}: blend(base, hot(0.25), maxAlpha*0.25), // 1 of the shared max 4
		}},
		"no image": {scale: ScaleLayer, want: map[[3]int]color.RGBA{
			{0, 1, 2}: grey,
			{0, 0, 0}: blend(grey, hot(1), maxAlpha),
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m := twoLayers()
			st := Style{Panel: 150, Columns: 2, Scale: tc.scale, Title: "title"}
			sheet, err := Draw(tc.img, m, st)
			if err != nil {
				t.Fatal(err)
			}
			if b := sheet.Bounds(); b.Dx() < 2*150 || b.Dy() < 100 {
				t.Errorf("sheet %v is too small for two 150-pixel panels", b)
			}
			for at, want := range tc.want {
				if got := cellColour(sheet, m, st, at[0], at[1], at[2]); !near(got, want) {
					t.Errorf("panel %d cell (%d, %d) = %v, want %v", at[0], at[1], at[2], got, want)
				}
			}
		})
	}
}

func TestDrawRejects(t *testing.T) {
	tests := map[string]struct {
		m  ImageMaps
		st Style
	}{
		"empty map": {m: ImageMaps{}},
		"bad scale": {m: twoLayers(), st: Style{Scale: "log"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Draw(nil, tc.m, tc.st); err == nil {
				t.Error("no error")
			}
		})
	}
}

func blend(under, over color.RGBA, alpha float64) color.RGBA {
	mix := func(a, b uint8) uint8 { return uint8(float64(a)*(1-alpha) + float64(b)*alpha + 0.5) }
	return color.RGBA{mix(under.R, over.R), mix(under.G, over.G), mix(under.B, over.B), 255}
}

// near allows the bicubic resize of a flat image one level of rounding.
func near(a, b color.RGBA) bool {
	d := func(x, y uint8) bool { return x-y <= 1 || y-x <= 1 }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && a.A == b.A
}
