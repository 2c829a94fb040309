package sdk

// Modality is what kind of input a token carries.
type Modality string

// The modalities of a token.
const (
	Text  Modality = "text"
	Image Modality = "image"
	Video Modality = "video"
)

// Token is one position of the analysed sequence.
type Token struct {
	Position int `json:"pos"`
	ID       int `json:"id"`
	// Text is the token's single-token decode, e.g. "<|image_pad|>" or " cat".
	Text     string   `json:"text"`
	Modality Modality `json:"modality"`
	// ImageIndex, PatchRow and PatchCol place an image token: the image in
	// prompt order, and the row and column in that image's merged-token grid
	// (row-major). All three are -1 for tokens that are not image tokens.
	ImageIndex int `json:"image_index"`
	PatchRow   int `json:"patch_row"`
	PatchCol   int `json:"patch_col"`
	// Special marks an added special token (<|im_start|>, <|vision_start|>, ...).
	Special bool `json:"special,omitempty"`
	// Generated marks a token the model produced at an earlier step.
	Generated bool `json:"generated,omitempty"`
}

// ImageInfo describes one image of the sequence.
type ImageInfo struct {
	Index int `json:"index"`
	// GridRows and GridCols are the merged-token grid: the image occupies
	// GridRows·GridCols positions, row-major.
	GridRows      int `json:"grid_rows"`
	GridCols      int `json:"grid_cols"`
	FirstPosition int `json:"first_position"`
	NumTokens     int `json:"num_tokens"`
}

// Sequence is the token sequence of one analysis step.
type Sequence struct {
	Tokens []Token     `json:"tokens"`
	Images []ImageInfo `json:"images,omitempty"`
	// Step is the generation step being analysed; 0 is the prompt.
	Step int `json:"step"`
	// PromptLength is the number of prompt tokens; Tokens beyond it were
	// generated.
	PromptLength int `json:"prompt_length"`
	NumLayers    int `json:"num_layers"`
	NumHeads     int `json:"num_heads"`
}

// Group is a set of positions knocked out together.
type Group struct {
	// Label names the group in the results, e.g. the token's text or
	// "img0 r0-1 c2-3".
	Label string `json:"label"`
	// Positions are strictly ascending, each in [0, len(Sequence.Tokens)).
	Positions []int `json:"positions"`
}
