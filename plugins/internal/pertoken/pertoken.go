// Package pertoken is the shared core of the built-in masking strategies
// (masking-text, masking-vision, masking-both): one group per selected
// position, and the one constructor (New) the three strategies are built
// with. They call it; it calls nothing but sdk.
package pertoken

import (
	"fmt"

	"github.com/vlmask/vlmask/sdk"
)

// Groups returns one single-position group per token that keep selects,
// in ascending position order, labelled by Label.
func Groups(seq sdk.Sequence, keep func(sdk.Token) bool) []sdk.Group {
	groups := []sdk.Group{}
	for i, tok := range seq.Tokens {
		if keep(tok) {
			groups = append(groups, sdk.Group{Label: Label(tok), Positions: []int{i}})
		}
	}
	return groups
}

// Label names a token's group: its text, or for an image token its place,
// "img<i> r<row> c<col>" (every image token's text is the same
// <|image_pad|>).
func Label(tok sdk.Token) string {
	if tok.Modality == sdk.Image && tok.ImageIndex >= 0 {
		return fmt.Sprintf("img%d r%d c%d", tok.ImageIndex, tok.PatchRow, tok.PatchCol)
	}
	return tok.Text
}

// IsVision reports whether a token is a vision placeholder (an image or
// video pad token) rather than text. Vision start/end markers are text.
func IsVision(tok sdk.Token) bool {
	return tok.Modality == sdk.Image || tok.Modality == sdk.Video
}
