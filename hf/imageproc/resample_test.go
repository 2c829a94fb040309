package imageproc

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// TestResizeMatchesPillow compares ResizeBicubic, ResizeLanczos and
// ResizeBilinear with Pillow 9.4.0's Image.resize((w, h), BICUBIC / LANCZOS
// / BILINEAR, reducing_gap=None) on the 37×23 patternRGB image: the sha256
// values below are of Pillow's output bytes, computed once with Debian's
// python3-pil 9.4.0.
func TestResizeMatchesPillow(t *testing.T) {
	src := patternRGB(37, 23)
	tests := []struct {
		filter string
		w, h   int
		sha    string
	}{
		{"bicubic", 37, 23, "178159a4351c5ebd86dfc85aaa55ab6074c3550343bfee14331d786509383653"},
		{"bicubic", 20, 11, "6120062498f9e5beb677153a1b3da71ced1b3347bac9f9f6d4bf62a8b8d32913"},
		{"bicubic", 80, 50, "a16643d04c481e0ee05634863ac3cc617afb6bca4d840b5642310dd87a19b638"},
		{"bicubic", 37, 9, "90b0b66607354695a1e8cba85bd970a26802baa8e87e70f2a860d5b4ec1fb839"},
		{"bicubic", 5, 23, "9d645f5eb5bc27c8cde81725395395a6e2751ce7af02d2048c63d0f500844a92"},
		{"bicubic", 1, 1, "79a3837141c281bf2f9d2928dd77af7b60bd7dc72be94947eaaa50d11eddec88"},
		{"lanczos", 37, 23, "178159a4351c5ebd86dfc85aaa55ab6074c3550343bfee14331d786509383653"},
		{"lanczos", 20, 11, "49ea51d702ce76086b6a9535b0d32d29eeb1b2135c4375c5b19f793e0a67560f"},
		{"lanczos", 80, 50, "b6669fac042dfbfdb43425c368b47fd033c2a51125140544085beaff2228c7e2"},
		{"lanczos", 37, 9, "c09ecab7ddb826e2e331cd8e0d4a84c1d7e1bf30ba4c248f99d94ed8abc17230"},
		{"lanczos", 5, 23, "8cd7b1636b90c4cd640527f5da271e8c13e4c90f3230a914373118891354e537"},
		{"lanczos", 1, 1, "79a3837141c281bf2f9d2928dd77af7b60bd7dc72be94947eaaa50d11eddec88"},
		{"bilinear", 37, 23, "178159a4351c5ebd86dfc85aaa55ab6074c3550343bfee14331d786509383653"},
		{"bilinear", 20, 11, "66849515445d5d18e187cca55c477b119bf03d0d004c83138214c39eacf430c4"},
		{"bilinear", 80, 50, "b1be6dd34684ff12ea697119b1c8e8bf209ce06eebb1209773501da8e548420a"},
		{"bilinear", 37, 9, "62e5926bb0c7758b6ad4cbda39fddcd5ff48c18004d2741443a248bed62e937b"},
		{"bilinear", 5, 23, "fdca91eb3e1cfcb944c12c384a21fb2b2cd40876ede4479cbb6decb82681e1e3"},
		{"bilinear", 1, 1, "79a3837141c281bf2f9d2928dd77af7b60bd7dc72be94947eaaa50d11eddec88"},
		{"bilinear", 64, 64, "fdceace844a8fc9ebeb79be32974e7ffe91944516a9c1609c7a75b60795f9c0c"},
		{"bilinear", 74, 56, "c42d6ec10b8c843bc0dcbb3fab322953fb05a6e85fdfa8d83e0013fb79760f24"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/%dx%d", tc.filter, tc.w, tc.h), func(t *testing.T) {
			out := resizeWith(t, tc.filter, src, tc.w, tc.h)
			if out.W != tc.w || out.H != tc.h || len(out.Pix) != 3*tc.w*tc.h {
				t.Fatalf("got %d×%d with %d bytes", out.W, out.H, len(out.Pix))
			}
			if got := sha256Hex(out.Pix); got != tc.sha {
				t.Errorf("sha256 %s; Pillow %s", got, tc.sha)
			}
		})
	}
}

func resizeWith(t *testing.T, filter string, src *RGB, w, h int) *RGB {
	t.Helper()
	resize := map[string]func(*RGB, int, int) (*RGB, error){
		"bicubic": ResizeBicubic, "lanczos": ResizeLanczos, "bilinear": ResizeBilinear,
	}[filter]
	out, err := resize(src, w, h)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestResizeSameSizeCopies checks that an unchanged size is a copy that
// does not share memory with the source.
func TestResizeSameSizeCopies(t *testing.T) {
	src := patternRGB(9, 4)
	for _, filter := range []string{"bicubic", "lanczos"} {
		out := resizeWith(t, filter, src, 9, 4)
		if sha256Hex(out.Pix) != sha256Hex(src.Pix) {
			t.Errorf("%s: same-size resize changed pixels", filter)
		}
		out.Pix[0]++
		if out.Pix[0] == src.Pix[0] {
			t.Errorf("%s: result shares memory with the source", filter)
		}
	}
}

// TestResizeConstantStaysConstant: the weights of every output pixel sum to
// one, so a uniform image stays uniform, up or down, for both kernels.
func TestResizeConstantStaysConstant(t *testing.T) {
	sizes := [][4]int{{10, 10, 31, 7}, {64, 48, 17, 5}, {3, 200, 1, 9}, {120, 2, 500, 3}, {7, 7, 7, 70}}
	for _, filter := range []string{"bicubic", "lanczos"} {
		for _, s := range sizes {
			src := NewRGB(s[0], s[1])
			for i := range src.Pix {
				src.Pix[i] = []uint8{17, 128, 250}[i%3]
			}
			out := resizeWith(t, filter, src, s[2], s[3])
			if out.W != s[2] || out.H != s[3] {
				t.Fatalf("%s %v: got %d×%d", filter, s, out.W, out.H)
			}
			for i, v := range out.Pix {
				if want := []uint8{17, 128, 250}[i%3]; v != want {
					t.Fatalf("%s %v: byte %d is %d; want %d", filter, s, i, v, want)
				}
			}
		}
	}
}

// TestResizeNearFloatReference compares both kernels with a separately
// written float64 resampler (textbook kernel formulas, weights normalised
// per output pixel, rounding to bytes between the passes as Pillow does).
// Only the 22-bit fixed-point weights differ, so no byte may be off by more
// than one level.
func TestResizeNearFloatReference(t *testing.T) {
	src := patternRGB(61, 47)
	for _, filter := range []string{"bicubic", "lanczos"} {
		for _, size := range [][2]int{{61, 20}, {20, 47}, {150, 90}, {33, 101}, {7, 5}} {
			got := resizeWith(t, filter, src, size[0], size[1])
			want := floatResize(src, size[0], size[1], filter)
			diff := 0
			for i := range want.Pix {
				d := int(got.Pix[i]) - int(want.Pix[i])
				if d > 1 || d < -1 {
					t.Fatalf("%s %v: byte %d is %d, float reference %d", filter, size, i, got.Pix[i], want.Pix[i])
				}
				if d != 0 {
					diff++
				}
			}
			t.Logf("%s %v: %d of %d bytes differ by one level", filter, size, diff, len(want.Pix))
		}
	}
}

// floatResize is the reference for TestResizeNearFloatReference.
func floatResize(src *RGB, w, h int, filter string) *RGB {
	kernel, support := func(x float64) float64 {
		x = math.Abs(x)
		switch {
		case x < 1:
			return 1.5*x*x*x - 2.5*x*x + 1
		case x < 2:
			return -0.5*x*x*x + 2.5*x*x - 4*x + 2
		}
		return 0
	}, 2.0
	if filter == "lanczos" {
		kernel, support = func(x float64) float64 {
			if x == 0 {
				return 1
			}
			if x < -3 || x >= 3 {
				return 0
			}
			return 3 * math.Sin(math.Pi*x) * math.Sin(math.Pi*x/3) / (math.Pi * math.Pi * x * x)
		}, 3.0
	}
	// weights returns, for output index o, the first source index and the
	// normalised weights.
	weights := func(in, out, o int) (int, []float64) {
		scale := float64(in) / float64(out)
		fs := math.Max(scale, 1)
		center := (float64(o) + 0.5) * scale
		lo := max(0, int(center-support*fs+0.5))
		hi := min(in, int(center+support*fs+0.5))
		ws := make([]float64, hi-lo)
		sum := 0.0
		for i := range ws {
			ws[i] = kernel((float64(lo+i) + 0.5 - center) / fs)
			sum += ws[i]
		}
		for i := range ws {
			ws[i] /= sum
		}
		return lo, ws
	}
	toByte := func(v float64) uint8 { return uint8(math.Max(0, math.Min(255, math.Floor(v+0.5)))) }
	mid := src
	if w != src.W {
		mid = NewRGB(w, src.H)
		for x := 0; x < w; x++ {
			lo, ws := weights(src.W, w, x)
			for y := 0; y < src.H; y++ {
				for c := 0; c < 3; c++ {
					acc := 0.0
					for i, wt := range ws {
						acc += wt * float64(src.Pix[3*(y*src.W+lo+i)+c])
					}
					mid.Pix[3*(y*w+x)+c] = toByte(acc)
				}
			}
		}
	}
	if h == src.H {
		return mid
	}
	out := NewRGB(w, h)
	for y := 0; y < h; y++ {
		lo, ws := weights(src.H, h, y)
		for x := 0; x < w; x++ {
			for c := 0; c < 3; c++ {
				acc := 0.0
				for i, wt := range ws {
					acc += wt * float64(mid.Pix[3*((lo+i)*w+x)+c])
				}
				out.Pix[3*(y*w+x)+c] = toByte(acc)
			}
		}
	}
	return out
}

// TestResizeRejectsEmpty checks the error paths of the resizers.
func TestResizeRejectsEmpty(t *testing.T) {
	tests := []struct {
		name string
		src  *RGB
		w, h int
	}{
		{"nil source", nil, 4, 4},
		{"empty source", &RGB{}, 4, 4},
		{"short pixel buffer", &RGB{W: 2, H: 2, Pix: make([]uint8, 5)}, 4, 4},
		{"zero width", patternRGB(3, 3), 0, 4},
		{"negative height", patternRGB(3, 3), 4, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, resize := range []func(*RGB, int, int) (*RGB, error){ResizeBicubic, ResizeLanczos} {
				if _, err := resize(tc.src, tc.w, tc.h); !errors.Is(err, ErrEmptyImage) {
					t.Errorf("err = %v; want ErrEmptyImage", err)
				}
			}
		})
	}
}

// TestLimitResolution checks the --max-image-resolution helper's sizes.
func TestLimitResolution(t *testing.T) {
	tests := []struct {
		w, h, limit  int
		wantW, wantH int
		unchanged    bool
	}{
		{1000, 500, 768, 768, 384, false},
		{500, 1000, 768, 384, 768, false},
		{1000, 667, 500, 500, 333, false}, // 333.5 truncated
		{2000, 3, 100, 100, 1, false},     // the short side stays at least 1
		{640, 480, 768, 640, 480, true},
		{768, 768, 768, 768, 768, true},
		{900, 900, 0, 900, 900, true}, // no limit
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%dx%d/%d", tc.w, tc.h, tc.limit), func(t *testing.T) {
			src := patternRGB(tc.w, tc.h)
			out, err := LimitResolution(src, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if out.W != tc.wantW || out.H != tc.wantH {
				t.Errorf("got %d×%d; want %d×%d", out.W, out.H, tc.wantW, tc.wantH)
			}
			if (out == src) != tc.unchanged {
				t.Errorf("returned the source itself: %v; want %v", out == src, tc.unchanged)
			}
		})
	}
}
