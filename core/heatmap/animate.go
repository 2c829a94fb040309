package heatmap

import (
	"fmt"
	"image"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"io"
	"time"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/hf/imageproc"
)

// AlignScales makes the frames of an animation over steps comparable:
// each layer's colour scale becomes that layer's largest value over every
// frame (Grid.Scale), so a cell keeps its colour when its value does. With
// ScaleShared, Draw then takes the largest of those, the largest value of
// the whole animation.
func AlignScales(frames []ImageMaps) {
	top := map[int]float64{}
	for _, f := range frames {
		for _, g := range f.Layers {
			top[g.Layer] = max(top[g.Layer], g.Max)
		}
	}
	for _, f := range frames {
		for i := range f.Layers {
			f.Layers[i].Scale = top[f.Layers[i].Layer]
		}
	}
}

// EncodeGIF writes sheets as an animated GIF that loops forever, showing
// each for delay. A sheet smaller than the largest is padded with the
// background; colours are dithered onto the Plan 9 palette.
func EncodeGIF(w io.Writer, sheets []*image.RGBA, delay time.Duration) error {
	if len(sheets) == 0 {
		return fmt.Errorf("animated GIF: no frames")
	}
	var size image.Point
	for _, s := range sheets {
		size.X, size.Y = max(size.X, s.Bounds().Dx()), max(size.Y, s.Bounds().Dy())
	}
	bounds := image.Rectangle{Max: size}
	anim := &gif.GIF{LoopCount: 0}
	for _, s := range sheets {
		frame := image.NewPaletted(bounds, palette.Plan9)
		draw.Draw(frame, bounds, image.NewUniform(background), image.Point{}, draw.Src)
		draw.FloydSteinberg.Draw(frame, s.Bounds().Sub(s.Bounds().Min), s, s.Bounds().Min)
		anim.Image = append(anim.Image, frame)
		anim.Delay = append(anim.Delay, max(1, int(delay/(10*time.Millisecond))))
	}
	if err := gif.EncodeAll(w, anim); err != nil {
		return fmt.Errorf("animated GIF: %w", err)
	}
	return nil
}

// BuildPerStep builds each step's maps on its own: the steps of opts.Steps
// (every step when empty), in order, and for each the maps Build returns
// for that step alone.
func BuildPerStep(rows []results.Row, opts Options) (steps []int, maps [][]ImageMaps, err error) {
	all, err := Build(rows, opts)
	if err != nil {
		return nil, nil, err
	}
	steps = all[0].Steps
	for _, s := range steps {
		o := opts
		o.Steps = []int{s}
		m, err := Build(rows, o)
		if err != nil {
			return nil, nil, err
		}
		maps = append(maps, m)
	}
	return steps, maps, nil
}

// DrawSteps draws one image's maps at each step (frames, in step order)
// as sheets on one colour scale (AlignScales); title gives each sheet's
// title from its frame.
func DrawSteps(img *imageproc.RGB, frames []ImageMaps, st Style, title func(ImageMaps) string) ([]*image.RGBA, error) {
	AlignScales(frames)
	sheets := make([]*image.RGBA, len(frames))
	for i, f := range frames {
		s := st
		s.Title = title(f)
		sheet, err := Draw(img, f, s)
		if err != nil {
			return nil, err
		}
		sheets[i] = sheet
	}
	return sheets, nil
}
