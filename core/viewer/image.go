package viewer

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"os"

	"github.com/vlmask/vlmask/hf/imageproc"
)

// MaxImageBytes is the largest image file the viewer reads.
const MaxImageBytes = 64 << 20

// imagePixelsPerCell is the size, in pixels, of one merged-token cell in
// the picture the viewer draws under a heatmap: Qwen3-VL's 2×2 merge of
// 16-pixel patches, so the picture has the size the model saw.
const imagePixelsPerCell = 32

// maxImageSide bounds the long side of the picture the viewer sends.
const maxImageSide = 1024

// ImagePNG returns image k of the run (vlmask.images in the metadata) as
// PNG, resized to its merged-token grid's aspect (the image as the model
// saw it, at most maxImageSide pixels on its long side). The file must be
// a regular file of at most MaxImageBytes.
func (f *File) ImagePNG(k int) ([]byte, error) {
	img, err := f.readImage(k)
	if err != nil {
		return nil, err
	}
	w, h := img.W, img.H
	if grid := f.gridOf(k); grid.Rows > 0 && grid.Cols > 0 {
		w, h = grid.Cols*imagePixelsPerCell, grid.Rows*imagePixelsPerCell
	}
	if long := max(w, h); long > maxImageSide {
		w, h = max(1, w*maxImageSide/long), max(1, h*maxImageSide/long)
	}
	if w != img.W || h != img.H {
		if img, err = imageproc.ResizeBicubic(img, w, h); err != nil {
			return nil, fmt.Errorf("image %d: %w", k, err)
		}
	}
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < w*h; i++ {
		copy(out.Pix[4*i:4*i+3], img.Pix[3*i:3*i+3])
		out.Pix[4*i+3] = 255
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, out); err != nil {
		return nil, fmt.Errorf("image %d: encode: %w", k, err)
	}
	return buf.Bytes(), nil
}

// readImage opens and decodes image k, refusing anything but a regular
// file under the size limit.
func (f *File) readImage(k int) (*imageproc.RGB, error) {
	paths := f.imagePaths()
	if k < 0 || k >= len(paths) {
		return nil, fmt.Errorf("image %d: %w (the run recorded %d)", k, ErrNotFound, len(paths))
	}
	p := paths[k]
	fh, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("image %d: %w (the file the run recorded is gone)", k, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("image %d: %w", k, err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("image %d: %w", k, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("image %d: %w (not a regular file)", k, ErrNotFound)
	}
	if st.Size() > MaxImageBytes {
		return nil, fmt.Errorf("image %d: %d bytes: %w (at most %d)", k, st.Size(), ErrTooLarge, MaxImageBytes)
	}
	img, err := imageproc.Decode(io.LimitReader(fh, MaxImageBytes), p)
	if err != nil {
		return nil, fmt.Errorf("image %d: %w", k, err)
	}
	return img, nil
}

// gridOf is image k's grid as step 0 (or the first step) covers it.
func (f *File) gridOf(k int) ImageGrid {
	if len(f.steps) == 0 {
		return ImageGrid{}
	}
	l, err := f.stepLayout(f.steps[0])
	if err != nil || k >= len(l.grids) {
		return ImageGrid{}
	}
	return l.grids[k]
}
