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
	// positions have the same ids on all three rows.
	Positions [3][]int64
	// RopeDelta is get_rope_index's delta: a token appended at cache
	// position c gets position id c + RopeDelta on all three rows.
	RopeDelta int64
}

// Image is one preprocessed image: pixel values flattened into patches as
// the image processor lays them out, [GridT·GridH·GridW, PatchDim].
type Image struct {
	PixelValues         []float32
	PatchDim            int
	GridT, GridH, GridW int
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
	// prompt order and the row and column in its merged-token grid
	// (row-major); all three are -1 for other tokens.
	ImageIndex, PatchRow, PatchCol int
	// Special marks an added special token.
	Special bool
	// Generated marks a token the model produced.
	Generated bool
}

// ImageBlock describes where one image's tokens sit in the sequence.
type ImageBlock struct {
	Index int
	// GridRows and GridCols are the merged-token grid: the image occupies
	// GridRows·GridCols positions, row-major.
	GridRows, GridCols int
	// FirstPosition is the position of the image's first token (-1 if it
	// has none).
	FirstPosition int
	NumTokens     int
}

// Patches is the number of patch rows in PixelValues.
func (im Image) Patches() int { return im.GridT * im.GridH * im.GridW }
