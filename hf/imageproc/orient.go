package imageproc

// Orient returns m transformed for EXIF orientation o as PIL's
// ImageOps.exif_transpose does: 2 mirrors left-right, 3 rotates 180°, 4
// flips top-bottom, 5 transposes, 6 rotates 90° clockwise, 7 transverses, 8
// rotates 90° counter-clockwise. Orientation 1 and unknown values return m
// itself.
func Orient(m *RGB, o int) *RGB {
	if o < 2 || o > 8 {
		return m
	}
	w, h := m.W, m.H
	ow, oh := w, h
	if o >= 5 {
		ow, oh = h, w
	}
	out := &RGB{W: ow, H: oh, Pix: make([]uint8, len(m.Pix)), Mode: m.Mode}
	for y := 0; y < oh; y++ {
		for x := 0; x < ow; x++ {
			sx, sy := orientSource(o, x, y, w, h)
			d, s := 3*(y*ow+x), 3*(sy*w+sx)
			out.Pix[d], out.Pix[d+1], out.Pix[d+2] = m.Pix[s], m.Pix[s+1], m.Pix[s+2]
		}
	}
	return out
}

// orientSource maps output pixel (x, y) to its source pixel in a w×h
// image under orientation o (2..8).
func orientSource(o, x, y, w, h int) (int, int) {
	switch o {
	case 2: // FLIP_LEFT_RIGHT
		return w - 1 - x, y
	case 3: // ROTATE_180
		return w - 1 - x, h - 1 - y
	case 4: // FLIP_TOP_BOTTOM
		return x, h - 1 - y
	case 5: // TRANSPOSE
		return y, x
	case 6: // ROTATE_270 (90° clockwise)
		return y, h - 1 - x
	case 7: // TRANSVERSE
		return w - 1 - y, h - 1 - x
	default: // 8: ROTATE_90 (90° counter-clockwise)
		return w - 1 - y, x
	}
}
