package heatmap

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"testing"
	"time"
)

func TestAlignScales(t *testing.T) {
	t.Parallel()
	a, b := twoLayers(), twoLayers()
	b.Layers[0].Max, b.Layers[1].Max = 8, 0.5
	frames := []ImageMaps{a, b}
	AlignScales(frames)
	for i, f := range frames {
		if f.Layers[0].Scale != 8 || f.Layers[1].Scale != 1 {
			t.Errorf("frame %d: scales %v and %v, want 8 and 1", i, f.Layers[0].Scale, f.Layers[1].Scale)
		}
	}
	if a.Layers[0].Max != 4 {
		t.Errorf("AlignScales changed Max to %v", a.Layers[0].Max)
	}

	// Frame a drawn with the aligned scale: its max 4 is half of 8.
	st := Style{Panel: 60, Columns: 2, Scale: ScaleLayer, Title: "t"}
	sheet, err := Draw(nil, a, st)
	if err != nil {
		t.Fatal(err)
	}
	grey := color.RGBA{200, 200, 200, 255} // no image: the panel is grey
	if got, want := cellColour(sheet, a, st, 0, 0, 0), blend(grey, hot(0.5), maxAlpha*0.5); got != want {
		t.Errorf("cell (0,0) of layer 0 = %v, want %v (half the aligned scale)", got, want)
	}
}

func TestEncodeGIF(t *testing.T) {
	t.Parallel()
	small := image.NewRGBA(image.Rect(0, 0, 30, 20))
	big := image.NewRGBA(image.Rect(0, 0, 40, 25))
	var buf bytes.Buffer
	if err := EncodeGIF(&buf, []*image.RGBA{small, big, small}, 700*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 3 || g.Delay[0] != 70 || g.LoopCount != 0 {
		t.Errorf("%d frames, delay %v, loop %d", len(g.Image), g.Delay, g.LoopCount)
	}
	for i, f := range g.Image {
		if f.Bounds() != image.Rect(0, 0, 40, 25) {
			t.Errorf("frame %d is %v, want 40×25", i, f.Bounds())
		}
	}
	if err := EncodeGIF(&buf, nil, time.Second); err == nil {
		t.Error("no frames: no error")
	}
}
