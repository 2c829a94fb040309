package processor

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"

	"github.com/vlmask/vlmask/hf/chattemplate"
	"github.com/vlmask/vlmask/hf/imageproc"
)

// Request is one prompt to prepare.
type Request struct {
	// Messages are the conversation, as passed to apply_chat_template; a
	// generation prompt is always added.
	Messages []chattemplate.Message
	// Images are image files, one per image part of Messages, in order.
	Images []string
	// MaxImageResolution, when positive, downscales each image in memory
	// so its longer side is at most this many pixels before preprocessing.
	MaxImageResolution int
	// AssistantPrefix is text that starts the model's reply: it is appended
	// after the rendered generation prompt (as continuing a final assistant
	// message would).
	AssistantPrefix string
}

// Result is a prepared prompt.
type Result struct {
	// Rendered is the chat template's output, before image placeholders
	// (<|image_pad|>, <image>, <start_of_image>) are expanded.
	Rendered string
	// Prompt is the model input.
	Prompt *Input
	// Tokens is the per-position token table.
	Tokens []Token
	// Images describes each image's token block.
	Images []ImageBlock
	// ImageDetails say what preprocessing did to each image.
	ImageDetails []ImageDetail
}

// ImageDetail records one image's preprocessing.
type ImageDetail struct {
	Path               string
	Width, Height      int // as decoded (after EXIF orientation and --max-image-resolution)
	ResizedW, ResizedH int // after the resize (before LLaVA's center crop)
	// GridT, GridH and GridW are the vision tower's patch grid
	// (image_grid_thw for Qwen).
	GridT, GridH, GridW int
	// Tokens is the number of image tokens the image stands for.
	Tokens int
	// PixelSHA256 is the sha256 of the pixel values as little-endian
	// float32, the checksum the golden data uses.
	PixelSHA256 string
}

// Process renders, tokenizes and preprocesses one request.
func (p *Processor) Process(req Request) (*Result, error) {
	rendered, err := p.tmpl.Render(req.Messages, chattemplate.Options{AddGenerationPrompt: true})
	if err != nil {
		return nil, err
	}
	rendered += req.AssistantPrefix
	res := &Result{Rendered: rendered, Prompt: &Input{}}
	infos := make([]imageInfo, 0, len(req.Images))
	for _, path := range req.Images {
		im, info, err := p.image(path, req.MaxImageResolution)
		if err != nil {
			return nil, err
		}
		res.Prompt.Images = append(res.Prompt.Images, im)
		res.ImageDetails = append(res.ImageDetails, info.detail)
		infos = append(infos, info)
	}
	if res.Prompt.IDs, err = p.fam.encode(rendered, infos); err != nil {
		return nil, err
	}
	lay, err := p.fam.layout(res.Prompt.IDs, infos)
	if err != nil {
		return nil, err
	}
	res.Prompt.Positions, res.Prompt.RopeDelta, res.Prompt.TokenTypeIDs = lay.positions, lay.ropeDelta, lay.tokenTypeIDs
	res.Tokens = make([]Token, len(res.Prompt.IDs))
	for i, id := range res.Prompt.IDs {
		tok := Token{
			Position: i, ID: id, Text: p.tok.DecodeToken(id), Modality: TextToken,
			ImageIndex: -1, PatchRow: -1, PatchCol: -1, Special: p.tok.IsSpecial(id),
		}
		if pl := lay.places[i]; pl.image >= 0 {
			tok.Modality = ImageToken
			tok.ImageIndex, tok.PatchRow, tok.PatchCol = pl.image, pl.row, pl.col
		}
		res.Tokens[i] = tok
	}
	for k, info := range infos {
		block := ImageBlock{Index: k, GridRows: info.rows, GridCols: info.cols, FirstPosition: -1, NumTokens: info.detail.Tokens}
		for _, tok := range res.Tokens {
			if tok.ImageIndex == k {
				block.FirstPosition = tok.Position
				break
			}
		}
		res.Images = append(res.Images, block)
	}
	return res, nil
}

// image decodes and preprocesses one image file.
func (p *Processor) image(path string, maxSide int) (Image, imageInfo, error) {
	if !p.cfg.Family.HasVision() {
		return Image{}, imageInfo{}, fmt.Errorf("image %s: model_type %q takes no images", path, p.cfg.ModelType)
	}
	rgb, err := imageproc.DecodeFile(path)
	if err != nil {
		return Image{}, imageInfo{}, err
	}
	if maxSide > 0 {
		if rgb, err = imageproc.LimitResolution(rgb, maxSide); err != nil {
			return Image{}, imageInfo{}, fmt.Errorf("image %s: %w", path, err)
		}
	}
	im, info, err := p.fam.image(rgb)
	if err != nil {
		return Image{}, imageInfo{}, fmt.Errorf("image %s: %w", path, err)
	}
	info.detail.Path = path
	return im, info, nil
}

// GeneratedToken returns the token table entry of a generated token.
func (p *Processor) GeneratedToken(pos, id int) Token {
	return Token{
		Position: pos, ID: id, Text: p.tok.DecodeToken(id), Modality: TextToken,
		ImageIndex: -1, PatchRow: -1, PatchCol: -1, Special: p.tok.IsSpecial(id), Generated: true,
	}
}

// pixelChecksum is the sha256 of float32 values in little-endian order.
func pixelChecksum(v []float32) string {
	h := sha256.New()
	buf := make([]byte, 4*1024)
	for len(v) > 0 {
		n := min(len(v), 1024)
		for i := 0; i < n; i++ {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v[i]))
		}
		h.Write(buf[:4*n])
		v = v[n:]
	}
	return hex.EncodeToString(h.Sum(nil))
}
