package processor

// Input is the model input of one prompt, what a Hugging Face processor
// hands the model: input ids with every image placeholder expanded, the
// images' pixel values and grids, and the position ids.
type Input struct {
	// IDs are the input ids, image placeholders expanded.
	IDs []int
	// Images are the prompt's images in prompt order.
	Images []Image
	// Positions are the position ids, one row each for the temporal,
	// height and width axes of MRoPE ([3][len(IDs)]); models with 1-D
	// positions (LLaVA, Gemma 3, the text families) have the same ids,
	// 0 … len(IDs)−1, on all three rows.
	Positions [3][]int64
	// RopeDelta is get_rope_index's delta: a token appended at cache
	// position c gets position id c + RopeDelta on all three rows (0 for
	// 1-D positions).
	RopeDelta int64
	// TokenTypeIDs are Gemma 3's token_type_ids: 1 at the image soft
	// tokens, 0 elsewhere; the model lets the tokens of one image attend to
	// each other both ways. A generated token is 0. nil for the other
	// families.
	TokenTypeIDs []int
}

// PixelLayout says how an Image's PixelValues are laid out.
type PixelLayout string

// Pixel layouts.
const (
	// PatchRows is the Qwen-VL layout: [GridT·GridH·GridW, PatchDim], rows
	// in (t, h-block, w-block, h-in-merge, w-in-merge) order, columns in
	// (channel, frame, y, x) order.
	PatchRows PixelLayout = "patch_rows"
	// ChannelsFirst is the CLIP and SigLIP layout (LLaVA, Gemma 3): one
	// image [3, Height, Width], as the tower's patch-embedding Conv2d
	// takes it (pixel_values [1, 3, Height, Width] per image).
	ChannelsFirst PixelLayout = "channels_first"
)

// Image is one preprocessed image: its pixel values in Layout, and its
// patch grid (GridT·GridH·GridW patches of the vision tower).
type Image struct {
	PixelValues []float32
	Layout      PixelLayout
	// PatchDim is the length of one patch row (PatchRows layout; 0 for
	// ChannelsFirst).
	PatchDim            int
	GridT, GridH, GridW int
	// Height and Width are the image's size in pixels (ChannelsFirst
	// layout; 0 for PatchRows).
	Height, Width int
}

// Shape is the shape of PixelValues: [patches, PatchDim] or
// [3, Height, Width].
func (im Image) Shape() []int {
	if im.Layout == ChannelsFirst {
		return []int{3, im.Height, im.Width}
	}
	return []int{im.Patches(), im.PatchDim}
}

// Modality is what kind of input a token carries.
type Modality string

// Modalities of tokens.
const (
	TextToken  Modality = "text"
	ImageToken Modality = "image"
)

// Token is one position of the token table.
type Token struct {
	Position int
	ID       int
	// Text is the token's single-token decode, e.g. "<|image_pad|>" or " cat".
	Text     string
	Modality Modality
	// ImageIndex, PatchRow and PatchCol place an image token: the image in
	// prompt order and the row and column in its token grid (row-major):
	// Qwen's merged-patch grid, LLaVA's CLIP patch grid, Gemma 3's pooled
	// grid. All three are -1 for other tokens; LLaVA's class token (kept by
	// the "full" feature strategy) has its image index and row and column
	// -1.
	ImageIndex, PatchRow, PatchCol int
	// Special marks an added special token.
	Special bool
	// Generated marks a token the model produced.
	Generated bool
}

// ImageBlock describes where one image's tokens sit in the sequence.
type ImageBlock struct {
	Index int
	// GridRows and GridCols are the token grid: the image occupies
	// GridRows·GridCols positions, row-major (after LLaVA's class token
	// when the "full" strategy keeps it).
	GridRows, GridCols int
	// FirstPosition is the position of the image's first token (-1 if it
	// has none).
	FirstPosition int
	NumTokens     int
}

// Patches is the number of patches of the vision tower.
func (im Image) Patches() int { return im.GridT * im.GridH * im.GridW }
