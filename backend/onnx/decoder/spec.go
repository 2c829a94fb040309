package decoder

import (
	"context"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/core"
)

// Spec is what a model family says about one checkpoint.
type Spec struct {
	// Family names the checkpoint family in core.Spec and messages.
	Family string
	// Decoder is the decoder layers' shape, options and tensor names.
	Decoder blocks.Decoder
	// Layers has one entry per decoder layer.
	Layers []Layer
	// Ropes are the rotary tables layers refer to by index (most models
	// have one; Gemma 3 has a local and a global one).
	Ropes []blocks.RopeTables
	// Embedding is the token embedding table [vocab, hidden].
	Embedding string
	// EmbedScale multiplies every token embedding (Gemma: √hidden, cast to
	// the compute dtype first as transformers does); 0 means 1. Image
	// features are scattered in unscaled.
	EmbedScale float64
	// Head is the final norm, the unembedding and the logit soft cap.
	Head blocks.Head
	// ImageTokenID is the token id whose positions take image features; −1
	// for text-only models.
	ImageTokenID int
	// BidirectionalImages: the tokens of one image attend to each other in
	// both directions, in every layer (Gemma 3's token_type_ids mask).
	// Each contiguous run of image tokens is one image.
	BidirectionalImages bool
	// Vision is the vision tower; nil for text-only checkpoints (an image
	// then gets an error).
	Vision VisionTower
	// NoVisionReason says why Vision is nil when the checkpoint's family
	// takes images (e.g. the tower's tensors are absent).
	NoVisionReason string
}

// Layer is one decoder layer's attention setting.
type Layer struct {
	// Rope indexes Spec.Ropes.
	Rope int
	// Window, when positive, is a sliding attention window: query i sees
	// key j only when i − j < Window (besides causality).
	Window int
}

// VisionTower is a family's vision encoder: its graphs and how to run
// them on one preprocessed image.
type VisionTower interface {
	// Graphs builds the tower's graphs from a float32 weight store, before
	// any session exists, so a missing tensor is reported first, with the
	// graph options the runtime chose (blocks.NewWith).
	Graphs(ws *weights.Store, opts blocks.Options) ([]*graph.Model, error)
	// Encode runs the tower on one image with the sessions made from
	// Graphs, in the same order.
	Encode(ctx context.Context, rt *ort.Runtime, sessions []*ort.Session, im core.Image) (*ImageFeatures, error)
}

// ImageFeatures are one image's vision-tower outputs in the decoder's
// width.
type ImageFeatures struct {
	// Tokens is the number of image tokens.
	Tokens int
	// Embeds are the image tokens' embeddings [Tokens, hidden], scattered
	// into the image-token positions.
	Embeds []float64
	// LayerAdds[l] [Tokens, hidden], when present, is added to the image
	// tokens' hidden states after decoder layer l (Qwen3-VL's DeepStack).
	LayerAdds [][]float64
	// Features, when the family's tower feeds a separate multimodal
	// projector (LLaVA, Gemma 3), are the tower's own output that the
	// projector reads, row-major and FeatureWidth wide: LLaVA's selected
	// hidden states, Gemma 3's last_hidden_state. The decoder does not use
	// them; golden checks compare them with the reference.
	Features     []float64
	FeatureWidth int
}
