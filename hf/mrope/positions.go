package mrope

// Positions are a sequence's MRoPE position ids: one row each for the
// temporal, height and width axes, and the rope delta that continues them.
type Positions struct {
	T, H, W []int64
	// Delta is get_rope_index's mrope_position_deltas: the token at cache
	// position c ≥ Len() gets id c + Delta on all three rows.
	Delta int64
}

// Len is the number of positions.
func (p Positions) Len() int { return len(p.T) }

// Rows returns the three rows (t, h, w), sharing memory with p.
func (p Positions) Rows() [3][]int64 { return [3][]int64{p.T, p.H, p.W} }

// TextPositions returns the ids of an n-token sequence without images:
// 0..n−1 on every row, delta 0.
func TextPositions(n int) Positions {
	p := Positions{T: make([]int64, n), H: make([]int64, n), W: make([]int64, n)}
	for i := range n {
		p.T[i], p.H[i], p.W[i] = int64(i), int64(i), int64(i)
	}
	return p
}

// Extend returns the ids of the sequence followed by n more text tokens
// (generated ones): each gets its cache position + Delta on all rows. The
// result equals PositionIDs of the longer sequence and shares no memory
// with p.
func (p Positions) Extend(n int) Positions {
	l := p.Len()
	out := Positions{
		T:     append(make([]int64, 0, l+n), p.T...),
		H:     append(make([]int64, 0, l+n), p.H...),
		W:     append(make([]int64, 0, l+n), p.W...),
		Delta: p.Delta,
	}
	for c := l; c < l+n; c++ {
		v := int64(c) + p.Delta
		out.T, out.H, out.W = append(out.T, v), append(out.H, v), append(out.W, v)
	}
	return out
}

// PositionIDs computes get_rope_index for one unpadded prompt: ids are the
// input ids with every image's <|image_pad|> run expanded, grids the
// images' image_grid_thw in prompt order. A prompt without image tokens
// and without grids gets TextPositions. Errors wrap ErrMismatch (image
// tokens and grids disagree), ErrVideoUnsupported or ErrOptions.
func PositionIDs(ids []int, grids []Grid, opts Options) (Positions, error) {
	blocks, err := imageBlocks(ids, grids, opts)
	if err != nil {
		return Positions{}, err
	}
	n := len(ids)
	p := Positions{T: make([]int64, n), H: make([]int64, n), W: make([]int64, n)}
	next := int64(0) // largest id so far + 1
	text := func(from, to int) {
		for i := from; i < to; i++ {
			v := next + int64(i-from)
			p.T[i], p.H[i], p.W[i] = v, v, v
		}
		next += int64(to - from)
	}
	cur := 0
	for _, b := range blocks {
		text(cur, b.start)
		base, top := next, next
		i := b.start
		for f := range b.t {
			tv := base + temporalIndex(opts.Family, f)
			for r := range b.h {
				for c := range b.w {
					p.T[i], p.H[i], p.W[i] = tv, base+int64(r), base+int64(c)
					top = max(top, tv, base+int64(r), base+int64(c))
					i++
				}
			}
		}
		next = top + 1
		cur = i
	}
	text(cur, n)
	p.Delta = next - int64(n)
	return p, nil
}

// temporalIndex is the temporal offset of frame f of an image: the frame
// number, except for Qwen2.5-VL, which multiplies it by the image's
// second_per_grid_t (0 for images) and tokens_per_second.
func temporalIndex(family Family, f int) int64 {
	if family == Qwen25VL {
		return 0
	}
	return int64(f)
}
