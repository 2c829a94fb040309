package imageproc

import "fmt"

// CenterCrop returns the h×w center of img as transformers'
// image_transforms.center_crop takes it: the crop starts at
// ((H − h) // 2, (W − w) // 2); along an axis where the image is smaller
// than the crop, the image is placed ceil((h − H) / 2) pixels into a black
// (zero) canvas instead. The result never shares memory with img.
func CenterCrop(img *RGB, h, w int) (*RGB, error) {
	if err := checkResize(img, w, h); err != nil {
		return nil, fmt.Errorf("center crop: %w", err)
	}
	srcY, dstY, rows := cropAxis(img.H, h)
	srcX, dstX, cols := cropAxis(img.W, w)
	out := &RGB{W: w, H: h, Pix: make([]uint8, 3*w*h), Mode: img.Mode}
	for y := 0; y < rows; y++ {
		src := img.Pix[3*((srcY+y)*img.W+srcX) : 3*((srcY+y)*img.W+srcX+cols)]
		copy(out.Pix[3*((dstY+y)*w+dstX):], src)
	}
	return out, nil
}

// cropAxis places a crop of size want on an axis of size have: the first
// source index, the first destination index and how many are copied.
func cropAxis(have, want int) (src, dst, n int) {
	if have >= want {
		return (have - want) / 2, 0, want
	}
	return 0, (want - have + 1) / 2, have
}
