package viewer

import (
	"regexp"
	"strconv"

	"github.com/vlmask/vlmask/core/results"
)

// Unit is what one knockout removed at a step: a token, or a masking
// strategy's group of tokens. Image units know the cells of their image's
// merged-token grid they cover: a token its own cell, a group the
// rectangle its label names (see cellsOf); a group whose label names no
// rectangle covers no cell and is shown in the text strip only.
type Unit struct {
	Position int    `json:"pos"`   // token_position (a group's first position)
	Size     int    `json:"size"`  // group_size
	Text     string `json:"text"`  // token_masked
	Label    string `json:"label"` // group_label
	TokenID  int    `json:"id"`    // token_id (-1 for a group)
	Modality string `json:"mod"`   // text, image or mixed
	Image    int    `json:"img"`   // image_index, -1 for none
	// Row, Col is the first cell covered; Rows×Cols the cells covered
	// (0×0 when the unit covers none).
	Row  int `json:"row"`
	Col  int `json:"col"`
	Rows int `json:"rows"`
	Cols int `json:"cols"`
}

// ImageGrid is one image's merged-token grid as the units of a step cover
// it.
type ImageGrid struct {
	Index int `json:"index"`
	Rows  int `json:"rows"`
	Cols  int `json:"cols"`
}

// windowLabel is the label the built-in vision strategy gives a token
// ("img0 r3 c5") and the region-window example a window
// ("img0 r2-3 c4-5"): image, row (range), column (range).
var windowLabel = regexp.MustCompile(`^img(\d+) r(\d+)(?:-(\d+))? c(\d+)(?:-(\d+))?$`)

// newUnit builds a unit from one row's token columns.
func newUnit(r results.Row) Unit {
	u := Unit{
		Position: r.TokenPosition, Size: r.GroupSize, Text: r.TokenMasked, Label: r.GroupLabel,
		TokenID: r.TokenID, Modality: r.Modality, Image: r.ImageIndex, Row: -1, Col: -1,
	}
	if u.Modality != results.ModalityImage || u.Image < 0 {
		return u
	}
	if r.PatchRow >= 0 && r.PatchCol >= 0 && r.GroupSize <= 1 {
		u.Row, u.Col, u.Rows, u.Cols = r.PatchRow, r.PatchCol, 1, 1
		return u
	}
	if img, r0, c0, rows, cols, ok := cellsOf(r.GroupLabel); ok && img == u.Image {
		u.Row, u.Col, u.Rows, u.Cols = r0, c0, rows, cols
	}
	return u
}

// cellsOf parses a window label into its image, first cell and extent.
func cellsOf(label string) (img, row, col, rows, cols int, ok bool) {
	m := windowLabel.FindStringSubmatch(label)
	if m == nil {
		return 0, 0, 0, 0, 0, false
	}
	n := func(s string, def int) int {
		if s == "" {
			return def
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			return -1
		}
		return v
	}
	img, r0, c0 := n(m[1], 0), n(m[2], 0), n(m[4], 0)
	r1, c1 := n(m[3], r0), n(m[5], c0)
	if img < 0 || r0 < 0 || c0 < 0 || r1 < r0 || c1 < c0 || r1-r0 > 4096 || c1-c0 > 4096 {
		return 0, 0, 0, 0, 0, false
	}
	return img, r0, c0, r1 - r0 + 1, c1 - c0 + 1, true
}

// gridsOf returns the grid of every image the units cover, by image index.
func gridsOf(units []Unit) []ImageGrid {
	var grids []ImageGrid
	for _, u := range units {
		if u.Image < 0 || u.Rows == 0 {
			continue
		}
		for len(grids) <= u.Image {
			grids = append(grids, ImageGrid{Index: len(grids)})
		}
		g := &grids[u.Image]
		g.Rows, g.Cols = max(g.Rows, u.Row+u.Rows), max(g.Cols, u.Col+u.Cols)
	}
	return grids
}
