package processor

import (
	"fmt"
	"strings"

	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/imageproc"
	"github.com/vlmask/vlmask/hf/tokenizer"
)

// family is the per-family half of a Processor: how images are
// preprocessed, how their placeholders become tokens, and where each token
// sits. Load picks one by the checkpoint's family; Process calls it in that
// order.
type family interface {
	// image preprocesses one decoded image.
	image(rgb *imageproc.RGB) (Image, imageInfo, error)
	// encode turns the rendered prompt into input ids, each image
	// placeholder expanded to its image's tokens as the family's Hugging
	// Face processor does.
	encode(rendered string, images []imageInfo) ([]int, error)
	// layout places the tokens of ids: positions, image grid places and
	// token type ids.
	layout(ids []int, images []imageInfo) (*layout, error)
}

// imageInfo is what the text side needs to know of a preprocessed image.
type imageInfo struct {
	detail ImageDetail
	// rows and cols are the token grid; withCLS says a class token comes
	// first (LLaVA's "full" strategy), outside the grid.
	rows, cols int
	withCLS    bool
}

// tokens is the number of tokens the image stands for.
func (im imageInfo) tokens() int {
	n := im.rows * im.cols
	if im.withCLS {
		n++
	}
	return n
}

// layout is where the tokens of a sequence sit.
type layout struct {
	positions [3][]int64
	ropeDelta int64
	// places[i] is token i's image, row and column (-1 for none).
	places       []place
	tokenTypeIDs []int
}

// place is a token's place in an image's token grid.
type place struct{ image, row, col int }

// noPlace is a text token's place.
var noPlace = place{-1, -1, -1}

// newFamily builds the family part for the checkpoint in dir.
func newFamily(dir string, cfg *checkpoint.Config, tok *tokenizer.Tokenizer, bos string) (family, error) {
	switch {
	case cfg.Family == checkpoint.Llava:
		return newLlava(dir, cfg, tok, bos)
	case cfg.Family == checkpoint.Gemma3:
		return newGemma3(dir, cfg, tok, bos)
	case cfg.Family.UsesMRoPE():
		return newQwenVL(dir, cfg, tok)
	}
	return textOnly{tok: tok}, nil
}

// encodePrompt tokenizes a processor's prompt as ProcessorMixin's
// apply_chat_template does: with the tokenizer's special tokens (Llama's
// <s>), unless the rendered prompt already starts with the BOS token
// (Gemma 3's template writes <bos>), so that there is one BOS, not two.
func encodePrompt(tok *tokenizer.Tokenizer, text, rendered, bos string) ([]int, error) {
	var ids []int
	var err error
	if bos != "" && strings.HasPrefix(rendered, bos) {
		ids, err = tok.Encode(text)
	} else {
		ids, err = tok.EncodeSpecial(text)
	}
	if err != nil {
		return nil, fmt.Errorf("tokenize the rendered prompt: %w", err)
	}
	return ids, nil
}

// textOnly is the family part of text models (Qwen3, Qwen2), whose chat
// template is applied by the tokenizer's apply_chat_template: no special
// tokens are added, positions are 0, 1, ….
type textOnly struct{ tok *tokenizer.Tokenizer }

var _ family = textOnly{}

func (textOnly) image(*imageproc.RGB) (Image, imageInfo, error) {
	return Image{}, imageInfo{}, fmt.Errorf("the model takes no images")
}

func (f textOnly) encode(rendered string, _ []imageInfo) ([]int, error) {
	ids, err := f.tok.Encode(rendered)
	if err != nil {
		return nil, fmt.Errorf("tokenize the rendered prompt: %w", err)
	}
	return ids, nil
}

func (textOnly) layout(ids []int, _ []imageInfo) (*layout, error) {
	return textLayout(len(ids)), nil
}

// textLayout is the layout of n tokens with 1-D positions and no image.
func textLayout(n int) *layout {
	l := &layout{places: make([]place, n)}
	for r := range l.positions {
		l.positions[r] = make([]int64, n)
		for i := range n {
			l.positions[r][i] = int64(i)
		}
	}
	for i := range l.places {
		l.places[i] = noPlace
	}
	return l
}
