package imageproc

import "math"

// precisionBits is Pillow's PRECISION_BITS for 8-bit images: 32 − 8 − 2.
const precisionBits = 22

// coeffs are one axis' resampling weights in Pillow's fixed point: output
// index i reads count[i] source pixels from first[i] on, weighted by
// k[i·ksize : i·ksize+count[i]].
type coeffs struct {
	ksize        int
	first, count []int
	k            []int32
}

// precomputeCoeffs ports Pillow's precompute_coeffs and
// normalize_coeffs_8bpc for resampling inSize source pixels to outSize
// (the whole axis, no crop box).
func precomputeCoeffs(inSize, outSize int, f filter) coeffs {
	scale := float64(inSize) / float64(outSize)
	filterscale := max(scale, 1.0)
	support := f.support * filterscale
	ksize := int(math.Ceil(support))*2 + 1
	ss := 1.0 / filterscale
	c := coeffs{
		ksize: ksize,
		first: make([]int, outSize),
		count: make([]int, outSize),
		k:     make([]int32, outSize*ksize),
	}
	w := make([]float64, ksize)
	for xx := 0; xx < outSize; xx++ {
		center := float64((float64(xx) + 0.5) * scale)
		xmin := max(int(center-support+0.5), 0)
		xmax := min(int(center+support+0.5), inSize) - xmin
		ww := 0.0
		for x := 0; x < xmax; x++ {
			w[x] = f.kernel(float64((float64(x+xmin) - center + 0.5) * ss))
			ww += w[x]
		}
		k := c.k[xx*ksize:]
		for x := 0; x < xmax; x++ {
			if ww != 0 {
				w[x] /= ww
			}
			k[x] = toFixed(w[x])
		}
		c.first[xx], c.count[xx] = xmin, xmax
	}
	return c
}

// toFixed rounds a weight to PRECISION_BITS fixed point, half away from
// zero, truncating like C's (int) cast.
func toFixed(w float64) int32 {
	scaled := float64(w * (1 << precisionBits))
	if w < 0 {
		return int32(-0.5 + scaled)
	}
	return int32(0.5 + scaled)
}

// clip8 turns a fixed-point accumulator into a byte: shift out the
// fraction, clamp to 0..255.
func clip8(acc int32) uint8 {
	v := acc >> precisionBits
	switch {
	case v < 0:
		return 0
	case v > 255:
		return 255
	}
	return uint8(v)
}

// resample ports Pillow's ImagingResampleInner for an 8-bit RGB image:
// the vertical weights are computed first to learn which source rows the
// vertical pass reads; the horizontal pass runs over those rows only into a
// uint8 (clipped) intermediate; then the vertical pass. A pass whose size
// is unchanged is skipped; if both are, the result is a copy.
func resample(src *RGB, w, h int, f filter) *RGB {
	needH, needV := w != src.W, h != src.H
	if !needH && !needV {
		return src.Clone()
	}
	vert := precomputeCoeffs(src.H, h, f)
	in := src
	if needH {
		rowFirst := vert.first[0]
		rowLast := vert.first[h-1] + vert.count[h-1]
		horiz := precomputeCoeffs(src.W, w, f)
		tmp := &RGB{W: w, H: rowLast - rowFirst, Pix: make([]uint8, 3*w*(rowLast-rowFirst)), Mode: src.Mode}
		resampleRows(tmp, src, rowFirst, horiz)
		for i := range vert.first {
			vert.first[i] -= rowFirst
		}
		in = tmp
	}
	if !needV {
		return in
	}
	out := &RGB{W: in.W, H: h, Pix: make([]uint8, 3*in.W*h), Mode: src.Mode}
	resampleColumns(out, in, vert)
	return out
}

// resampleRows is the horizontal pass: dst row y is source row
// y+rowOffset resampled to dst.W pixels.
func resampleRows(dst, src *RGB, rowOffset int, c coeffs) {
	const half = 1 << (precisionBits - 1)
	for y := 0; y < dst.H; y++ {
		srow := src.Pix[3*src.W*(y+rowOffset) : 3*src.W*(y+rowOffset+1)]
		drow := dst.Pix[3*dst.W*y : 3*dst.W*(y+1)]
		for xx := 0; xx < dst.W; xx++ {
			k := c.k[xx*c.ksize : xx*c.ksize+c.count[xx]]
			p := srow[3*c.first[xx] : 3*(c.first[xx]+len(k))]
			s0, s1, s2 := int32(half), int32(half), int32(half)
			for x, kv := range k {
				s0 += int32(p[3*x]) * kv
				s1 += int32(p[3*x+1]) * kv
				s2 += int32(p[3*x+2]) * kv
			}
			drow[3*xx], drow[3*xx+1], drow[3*xx+2] = clip8(s0), clip8(s1), clip8(s2)
		}
	}
}

// resampleColumns is the vertical pass: dst row yy mixes the source rows
// c.first[yy] .. c.first[yy]+c.count[yy]−1. Integer sums are exact, so
// accumulating a whole row at a time gives Pillow's per-pixel result.
func resampleColumns(dst, src *RGB, c coeffs) {
	const half = 1 << (precisionBits - 1)
	stride := 3 * src.W
	acc := make([]int32, stride)
	for yy := 0; yy < dst.H; yy++ {
		for i := range acc {
			acc[i] = half
		}
		k := c.k[yy*c.ksize : yy*c.ksize+c.count[yy]]
		for y, kv := range k {
			row := src.Pix[(c.first[yy]+y)*stride : (c.first[yy]+y+1)*stride]
			for i, p := range row {
				acc[i] += int32(p) * kv
			}
		}
		drow := dst.Pix[yy*stride : (yy+1)*stride]
		for i, a := range acc {
			drow[i] = clip8(a)
		}
	}
}
