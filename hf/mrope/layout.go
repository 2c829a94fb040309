package mrope

// TokenPlace says where a prompt position sits in the images: the image's
// index in prompt order, and the frame, row and column of its cell in the
// merged-token grid (T × H/merge × W/merge, row-major). Text positions
// have all four set to −1.
type TokenPlace struct {
	ImageIndex, Frame, Row, Col int
}

// IsImage reports whether the position is an image token.
func (t TokenPlace) IsImage() bool { return t.ImageIndex >= 0 }

// ImageTokenLayout returns the TokenPlace of every position of ids, with
// the same checks as PositionIDs.
func ImageTokenLayout(ids []int, grids []Grid, opts Options) ([]TokenPlace, error) {
	blocks, err := imageBlocks(ids, grids, opts)
	if err != nil {
		return nil, err
	}
	places := make([]TokenPlace, len(ids))
	for i := range places {
		places[i] = TokenPlace{ImageIndex: -1, Frame: -1, Row: -1, Col: -1}
	}
	for _, b := range blocks {
		for k := range b.len() {
			cell := k % (b.h * b.w)
			places[b.start+k] = TokenPlace{ImageIndex: b.image, Frame: k / (b.h * b.w), Row: cell / b.w, Col: cell % b.w}
		}
	}
	return places, nil
}
