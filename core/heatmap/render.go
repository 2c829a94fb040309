package heatmap

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/vlmask/vlmask/hf/imageproc"
)

// Scale says what a panel's colours are relative to.
type Scale string

const (
	// ScaleLayer colours each layer relative to its own largest value:
	// where, within a layer, the model looks.
	ScaleLayer Scale = "layer"
	// ScaleShared colours every layer relative to the largest value of any
	// layer: which layers matter at all.
	ScaleShared Scale = "shared"
)

// Style shapes the drawing.
type Style struct {
	// Panel is the long side of one layer's panel in pixels (default 192).
	Panel int
	// Columns is the number of panels per row (default about √layers).
	Columns int
	// Scale is ScaleLayer (default) or ScaleShared.
	Scale Scale
	// Title is the line above the panels.
	Title string
}

const (
	margin     = 8
	gap        = 6
	lineHeight = 15
	minPanelW  = 104 // room for a panel's label
	maxAlpha   = 0.8
)

var (
	background = color.RGBA{255, 255, 255, 255}
	ink        = color.RGBA{20, 20, 20, 255}
)

// Draw renders m as one sheet: a panel per layer showing img (the image
// the analysis saw; nil draws grey), stretched to the merged-token grid as
// the model's processor resized it, and over each cell a colour from dark
// red to yellow whose opacity grows with the cell's value. Cells without a
// value are left uncoloured.
func Draw(img *imageproc.RGB, m ImageMaps, st Style) (*image.RGBA, error) {
	if m.Rows <= 0 || m.Cols <= 0 || len(m.Layers) == 0 {
		return nil, fmt.Errorf("image %d: empty map (%d×%d cells, %d layers)", m.Image, m.Rows, m.Cols, len(m.Layers))
	}
	if st.Panel <= 0 {
		st.Panel = 192
	}
	if st.Scale == "" {
		st.Scale = ScaleLayer
	}
	if st.Scale != ScaleLayer && st.Scale != ScaleShared {
		return nil, fmt.Errorf("scale %q: want %s or %s", st.Scale, ScaleLayer, ScaleShared)
	}
	n := len(m.Layers)
	if st.Columns <= 0 {
		st.Columns = int(math.Ceil(math.Sqrt(float64(n))))
	}
	st.Columns = min(st.Columns, n)
	cell := max(1, st.Panel/max(m.Rows, m.Cols), (minPanelW+m.Cols-1)/m.Cols)
	pw, ph := m.Cols*cell, m.Rows*cell
	base, err := muted(img, pw, ph)
	if err != nil {
		return nil, err
	}

	rowsOfPanels := (n + st.Columns - 1) / st.Columns
	titleLines := strings.Split(st.Title, "\n")
	width := max(2*margin+st.Columns*pw+(st.Columns-1)*gap, 2*margin+textWidth(titleLines...))
	top := margin + len(titleLines)*lineHeight + gap
	barTop := top + rowsOfPanels*(lineHeight+ph+gap)
	height := barTop + 10 + lineHeight + margin
	sheet := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(sheet, sheet.Bounds(), image.NewUniform(background), image.Point{}, draw.Src)
	for i, line := range titleLines {
		label(sheet, margin, margin+(i+1)*lineHeight-3, line)
	}

	var shared float64
	for _, g := range m.Layers {
		shared = max(shared, g.top())
	}
	for i, g := range m.Layers {
		x0 := margin + (i%st.Columns)*(pw+gap)
		y0 := top + (i/st.Columns)*(lineHeight+ph+gap)
		scale := g.top()
		if st.Scale == ScaleShared {
			scale = shared
		}
		label(sheet, x0, y0+lineHeight-3, fmt.Sprintf("L%d max %.3g", g.Layer, g.Max))
		panel := image.Rect(x0, y0+lineHeight, x0+pw, y0+lineHeight+ph)
		draw.Draw(sheet, panel, base, image.Point{}, draw.Src)
		for r := 0; r < m.Rows; r++ {
			for c := 0; c < m.Cols; c++ {
				v := g.Values[r*m.Cols+c]
				if math.IsNaN(v) || scale <= 0 {
					continue
				}
				t := math.Max(0, math.Min(1, v/scale))
				tint(sheet, image.Rect(x0+c*cell, y0+lineHeight+r*cell, x0+(c+1)*cell, y0+lineHeight+(r+1)*cell), hot(t), maxAlpha*t)
			}
		}
	}
	aligned := m.Layers[0].Scale > 0
	colourBar(sheet, margin, barTop, min(256, width-2*margin), st.Scale, shared, aligned)
	return sheet, nil
}

// muted is img resized to w×h in grey, lightened so colours stand out.
func muted(img *imageproc.RGB, w, h int) (*image.RGBA, error) {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	if img == nil {
		draw.Draw(out, out.Bounds(), image.NewUniform(color.RGBA{200, 200, 200, 255}), image.Point{}, draw.Src)
		return out, nil
	}
	small, err := imageproc.ResizeBicubic(img, w, h)
	if err != nil {
		return nil, fmt.Errorf("resize image for the heatmap: %w", err)
	}
	for i := 0; i < w*h; i++ {
		p := small.Pix[3*i : 3*i+3]
		grey := 0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])
		v := uint8(90 + 0.6*grey)
		out.Pix[4*i], out.Pix[4*i+1], out.Pix[4*i+2], out.Pix[4*i+3] = v, v, v, 255
	}
	return out, nil
}

// hot maps t in [0, 1] to black → red → yellow (white would vanish on a
// light image).
func hot(t float64) color.RGBA {
	ch := func(x float64) uint8 { return uint8(255 * math.Max(0, math.Min(1, x))) }
	return color.RGBA{ch(2 * t), ch(2*t - 1), 0, 255}
}

// tint blends c over r of dst with opacity alpha.
func tint(dst *image.RGBA, r image.Rectangle, c color.RGBA, alpha float64) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := dst.PixOffset(x, y)
			p := dst.Pix[i : i+3]
			p[0] = uint8(float64(p[0])*(1-alpha) + float64(c.R)*alpha + 0.5)
			p[1] = uint8(float64(p[1])*(1-alpha) + float64(c.G)*alpha + 0.5)
			p[2] = uint8(float64(p[2])*(1-alpha) + float64(c.B)*alpha + 0.5)
		}
	}
}

// colourBar draws the scale: 0 on the left, the panel's (or the shared)
// maximum on the right, over a grey that stands for the image.
func colourBar(dst *image.RGBA, x, y, w int, scale Scale, shared float64, aligned bool) {
	for i := 0; i < w; i++ {
		t := float64(i) / float64(max(1, w-1))
		col := image.Rect(x+i, y, x+i+1, y+10)
		draw.Draw(dst, col, image.NewUniform(color.RGBA{170, 170, 170, 255}), image.Point{}, draw.Src)
		tint(dst, col, hot(t), maxAlpha*t)
	}
	right := "each panel's max"
	switch {
	case scale == ScaleShared && aligned:
		right = fmt.Sprintf("%.3g (all layers and steps)", shared)
	case scale == ScaleShared:
		right = fmt.Sprintf("%.3g (all layers)", shared)
	case aligned:
		right = "each layer's max over the steps"
	}
	label(dst, x, y+10+lineHeight-3, "0")
	label(dst, x+w-textWidth(right), y+10+lineHeight-3, right)
}

func label(dst *image.RGBA, x, baseline int, s string) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(ink), Face: basicfont.Face7x13, Dot: fixed.P(x, baseline)}
	d.DrawString(s)
}

// textWidth is the widest of lines in pixels.
func textWidth(lines ...string) int {
	w := 0
	for _, l := range lines {
		w = max(w, font.MeasureString(basicfont.Face7x13, l).Ceil())
	}
	return w
}
