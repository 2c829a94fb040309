package core

// Prompt is a fully prepared model input, exactly what Hugging Face's
// processor would hand the model: token ids with every <|image_pad|> run
// expanded, the images' pixel values and grids, and the 3-D MRoPE position
// ids.
type Prompt struct {
	// IDs are the input ids, image placeholders expanded.
	IDs []int
	// Images are the prompt's images in prompt order.
	Images []Image
	// Positions are the MRoPE position ids, one row each for the temporal,
	// height and width axes ([3][len(IDs)]); text-only models use the same
	// ids on all three rows.
	Positions [3][]int64
	// RopeDelta is get_rope_index's delta: a token appended at cache
	// position c gets position id c + RopeDelta on all three rows.
	RopeDelta int64
	// TokenTypeIDs are Gemma 3's token_type_ids (1 at image tokens, whose
	// image's tokens attend to each other both ways); nil for other
	// families.
	TokenTypeIDs []int
}

// Image is one preprocessed image: pixel values flattened into patches as
// the Qwen-VL image processor does, [GridT·GridH·GridW, PatchDim], or
// channels first, [3, Height, Width], as CLIP and SigLIP towers take them
// (Layout "channels_first"); GridT·GridH·GridW is the tower's patch grid.
type Image struct {
	PixelValues         []float32
	Layout              string // "patch_rows" (default when empty) or "channels_first"
	PatchDim            int
	GridT, GridH, GridW int
	Height, Width       int // channels_first only
}

// Patches is the number of patch rows in PixelValues.
func (im Image) Patches() int { return im.GridT * im.GridH * im.GridW }
