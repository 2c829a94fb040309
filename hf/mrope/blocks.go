package mrope

import "fmt"

// Grid is one image's patch grid as image_grid_thw gives it: frames
// (after temporal patching) and patch rows and columns, before merging.
type Grid struct {
	T, H, W int
}

// Family names the model family; see the package documentation for where
// it matters.
type Family string

// The supported families, named as config.json's model_type.
const (
	Qwen2VL  Family = "qwen2_vl"
	Qwen25VL Family = "qwen2_5_vl"
	Qwen3VL  Family = "qwen3_vl"
)

// Options are the checkpoint's special token ids and vision settings.
type Options struct {
	// ImageTokenID is <|image_pad|>, VideoTokenID <|video_pad|> and
	// VisionStartTokenID <|vision_start|>, from config.json.
	ImageTokenID, VideoTokenID, VisionStartTokenID int
	// SpatialMergeSize is vision_config.spatial_merge_size (2).
	SpatialMergeSize int
	// Family selects the temporal index rule; empty means Qwen3VL.
	Family Family
}

// block is one image's run of tokens in a prompt.
type block struct {
	image int // index into the grids
	start int // position of its first token
	t     int // frames
	h, w  int // merged grid rows and columns
}

func (b block) len() int { return b.t * b.h * b.w }

func (o Options) validate() error {
	if o.SpatialMergeSize < 1 {
		return fmt.Errorf("%w: spatial merge size %d", ErrOptions, o.SpatialMergeSize)
	}
	switch o.Family {
	case "", Qwen2VL, Qwen25VL, Qwen3VL:
		return nil
	}
	return fmt.Errorf("%w: unknown family %q (want %s, %s or %s)", ErrOptions, o.Family, Qwen2VL, Qwen25VL, Qwen3VL)
}

// imageBlocks finds each grid's block of image tokens, in order, and
// checks that the prompt's image tokens are exactly those blocks, each
// right after a <|vision_start|>.
func imageBlocks(ids []int, grids []Grid, opts Options) ([]block, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	m := opts.SpatialMergeSize
	need, have := 0, 0
	for i, g := range grids {
		if g.T < 1 || g.H < 1 || g.W < 1 || g.H%m != 0 || g.W%m != 0 {
			return nil, fmt.Errorf("%w: image %d: grid %d×%d×%d (t×h×w) needs positive sides divisible by the merge size %d", ErrOptions, i, g.T, g.H, g.W, m)
		}
		need += g.T * (g.H / m) * (g.W / m)
	}
	for p, id := range ids {
		switch id {
		case opts.VideoTokenID:
			return nil, fmt.Errorf("%w: video token %d at position %d", ErrVideoUnsupported, id, p)
		case opts.ImageTokenID:
			have++
		}
	}
	if have != need {
		return nil, fmt.Errorf("%w: the prompt has %d image tokens, the %d image grids need %d", ErrMismatch, have, len(grids), need)
	}
	blocks := make([]block, 0, len(grids))
	st := 0
	for i, g := range grids {
		b := block{image: i, t: g.T, h: g.H / m, w: g.W / m, start: -1}
		for p := st; p < len(ids); p++ {
			if ids[p] == opts.ImageTokenID {
				b.start = p
				break
			}
		}
		if b.start < 0 {
			return nil, fmt.Errorf("%w: no image tokens left for image %d", ErrMismatch, i)
		}
		if b.start == 0 || ids[b.start-1] != opts.VisionStartTokenID {
			return nil, fmt.Errorf("%w: image %d starts at position %d, which does not follow <|vision_start|> (id %d)", ErrMismatch, i, b.start, opts.VisionStartTokenID)
		}
		for p := b.start; p < b.start+b.len(); p++ {
			if p >= len(ids) || ids[p] != opts.ImageTokenID {
				return nil, fmt.Errorf("%w: image %d (grid %d×%d×%d) needs %d image tokens from position %d, but position %d is not one", ErrMismatch, i, g.T, g.H, g.W, b.len(), b.start, p)
			}
		}
		blocks = append(blocks, b)
		st = b.start + b.len()
	}
	return blocks, nil
}
