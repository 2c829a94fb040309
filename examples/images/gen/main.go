// Command gen draws examples/images/house.png, the synthetic demo image that
// `make demo` analyses: a sky gradient, a sun disc, a white house with a red
// roof, a blue door and two windows, on green grass. It is drawn
// procedurally, so it is free of any licence, and its large flat regions
// give image-patch heatmaps visible structure.
//
// Run it from the repository root:
//
//	go run ./examples/images/gen
//
// The image is 256×192 (width×height): 16×12 patches of 16 pixels, 8×6 = 48
// image tokens after Qwen3-VL's 2×2 merge, and a size smart_resize keeps as
// it is for the tiny test model.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

// Size of the demo image in pixels.
const (
	width  = 256
	height = 192
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// run parses the command line and writes the image.
func run(args []string) error {
	flags := flag.NewFlagSet("gen", flag.ContinueOnError)
	out := flags.String("o", "examples/images/house.png", "output PNG path")
	if err := flags.Parse(args); err != nil {
		return err
	}
	data, err := encode(render())
	if err != nil {
		return fmt.Errorf("encode the image: %w", err)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	return nil
}

// encode writes img as a PNG with the best compression.
func encode(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// palette holds the scene's colours.
type palette struct {
	skyTop, skyHorizon, sun, grass, grassDark      color.RGBA
	wall, roof, chimney, door, window, frame, path color.RGBA
}

// colours returns the scene's palette.
func colours() palette {
	rgb := func(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 255} }
	return palette{
		skyTop: rgb(40, 90, 180), skyHorizon: rgb(170, 210, 240), sun: rgb(255, 215, 60),
		grass: rgb(70, 150, 60), grassDark: rgb(55, 125, 50),
		wall: rgb(240, 236, 226), roof: rgb(190, 40, 35), chimney: rgb(120, 70, 55),
		door: rgb(40, 70, 160), window: rgb(150, 200, 235), frame: rgb(90, 60, 40),
		path: rgb(180, 150, 100),
	}
}

// horizon is the first row of grass.
const horizon = 128

// render draws the scene, back to front.
func render() *image.RGBA {
	c := colours()
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := range height {
		for x := range width {
			img.SetRGBA(x, y, background(c, x, y))
		}
	}
	// The sun, upper right, anti-aliased.
	paint(img, c.sun, func(x, y float64) bool { return math.Hypot(x-206, y-38) <= 20 })
	// A path from the door to the bottom edge.
	paint(img, c.path, func(x, y float64) bool {
		if y < 150 {
			return false
		}
		half := 7 + (y-150)*0.35
		return math.Abs(x-96) <= half
	})
	// The house: chimney behind the roof, walls, roof, door, windows.
	fillRect(img, c.chimney, 118, 62, 130, 92)
	fillRect(img, c.wall, 56, 96, 136, 150)
	paint(img, c.roof, func(x, y float64) bool {
		return y >= 58 && y <= 98 && math.Abs(x-96) <= (y-58)*1.15
	})
	fillRect(img, c.door, 88, 118, 104, 150)
	for _, x0 := range []int{64, 112} {
		fillRect(img, c.frame, x0, 106, x0+18, 124)
		fillRect(img, c.window, x0+2, 108, x0+16, 122)
		fillRect(img, c.frame, x0+8, 108, x0+10, 122)
		fillRect(img, c.frame, x0+2, 114, x0+16, 116)
	}
	return img
}

// background is the sky gradient above the horizon and striped grass below.
func background(c palette, x, y int) color.RGBA {
	if y < horizon {
		return mix(c.skyTop, c.skyHorizon, float64(y)/float64(horizon-1))
	}
	if (x/16+(y-horizon)/16)%2 == 0 {
		return c.grass
	}
	return c.grassDark
}

// fillRect fills [x0, x1) × [y0, y1) with c.
func fillRect(img *image.RGBA, c color.RGBA, x0, y0, x1, y1 int) {
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

// paint blends c over every pixel by the fraction of its 4×4 sub-samples
// that inside accepts, so curved and slanted edges are anti-aliased.
func paint(img *image.RGBA, c color.RGBA, inside func(x, y float64) bool) {
	const n = 4
	for y := range height {
		for x := range width {
			hits := 0
			for sy := range n {
				for sx := range n {
					if inside(float64(x)+(float64(sx)+0.5)/n, float64(y)+(float64(sy)+0.5)/n) {
						hits++
					}
				}
			}
			if hits > 0 {
				img.SetRGBA(x, y, mix(img.RGBAAt(x, y), c, float64(hits)/(n*n)))
			}
		}
	}
}

// mix returns a + t·(b − a) per channel, rounded.
func mix(a, b color.RGBA, t float64) color.RGBA {
	ch := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + t*(float64(q)-float64(p)))) }
	return color.RGBA{ch(a.R, b.R), ch(a.G, b.G), ch(a.B, b.B), 255}
}
