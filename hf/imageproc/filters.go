package imageproc

import "math"

// filter is a resampling kernel with its support radius, in source pixels
// at scale 1, as in Pillow's Resample.c.
type filter struct {
	kernel  func(x float64) float64
	support float64
}

// bicubicFilter is Pillow's BICUBIC: the Keys cubic with a = −0.5
// (Catmull-Rom), support 2.
func bicubicFilter() filter { return filter{bicubicKernel, 2} }

// lanczosFilter is Pillow's LANCZOS: sinc windowed by sinc(x/3), support 3.
func lanczosFilter() filter { return filter{lanczosKernel, 3} }

// bilinearFilter is Pillow's BILINEAR: the triangle 1 − |x|, support 1
// (widened by the scale when shrinking, which is its antialias).
func bilinearFilter() filter { return filter{bilinearKernel, 1} }

// bilinearKernel is Pillow's bilinear_filter.
func bilinearKernel(x float64) float64 {
	if x < 0 {
		x = -x
	}
	if x < 1 {
		return 1 - x
	}
	return 0
}

// bicubicKernel evaluates the cubic in the same operation order as
// Pillow's C code. Every product is converted explicitly so the compiler
// cannot fuse it with the following addition (Go allows fused multiply-add
// otherwise), which would change the last bit and, rarely, a coefficient.
func bicubicKernel(x float64) float64 {
	const a = -0.5
	if x < 0 {
		x = -x
	}
	if x < 1 {
		t := float64((a+2.0)*x) - (a + 3.0)
		t = float64(t * x)
		t = float64(t * x)
		return t + 1
	}
	if x < 2 {
		t := float64((x-5)*x) + 8
		t = float64(t*x) - 4
		return float64(t * a)
	}
	return 0
}

// lanczosKernel is Pillow's lanczos_filter: sinc(x)·sinc(x/3) on [−3, 3).
func lanczosKernel(x float64) float64 {
	if -3.0 <= x && x < 3.0 {
		return float64(sinc(x) * sinc(x/3))
	}
	return 0
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	x = float64(x * math.Pi)
	return math.Sin(x) / x
}
