package processor

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"

	"github.com/vlmask/vlmask/hf/chattemplate"
	"github.com/vlmask/vlmask/hf/imageproc"
	"github.com/vlmask/vlmask/hf/mrope"
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
	// Rendered is the chat template's output, before <|image_pad|>
	// expansion.
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
	Path                string
	Width, Height       int // as decoded (after EXIF orientation and --max-image-resolution)
	ResizedW, ResizedH  int
	GridT, GridH, GridW int
	Tokens              int
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
	ids, err := p.tok.Encode(rendered)
	if err != nil {
		return nil, fmt.Errorf("tokenize the rendered prompt: %w", err)
	}
	res := &Result{Rendered: rendered, Prompt: &Input{}}
	var grids []mrope.Grid
	for _, path := range req.Images {
		im, detail, err := p.image(path, req.MaxImageResolution)
		if err != nil {
			return nil, err
		}
		res.Prompt.Images = append(res.Prompt.Images, im)
		res.ImageDetails = append(res.ImageDetails, detail)
		grids = append(grids, mrope.Grid{T: im.GridT, H: im.GridH, W: im.GridW})
	}
	if res.Prompt.IDs, err = p.expand(ids, res.ImageDetails); err != nil {
		return nil, err
	}
	pos := mrope.TextPositions(len(res.Prompt.IDs))
	places := make([]mrope.TokenPlace, len(res.Prompt.IDs))
	for i := range places {
		places[i] = mrope.TokenPlace{ImageIndex: -1, Frame: -1, Row: -1, Col: -1}
	}
	if p.cfg.Family.HasVision() {
		opts := p.ropeOptions()
		if pos, err = mrope.PositionIDs(res.Prompt.IDs, grids, opts); err != nil {
			return nil, err
		}
		if places, err = mrope.ImageTokenLayout(res.Prompt.IDs, grids, opts); err != nil {
			return nil, err
		}
	}
	res.Prompt.Positions = pos.Rows()
	res.Prompt.RopeDelta = pos.Delta
	res.Tokens = make([]Token, len(res.Prompt.IDs))
	for i, id := range res.Prompt.IDs {
		tok := Token{
			Position: i, ID: id, Text: p.tok.DecodeToken(id), Modality: TextToken,
			ImageIndex: -1, PatchRow: -1, PatchCol: -1, Special: p.tok.IsSpecial(id),
		}
		if pl := places[i]; pl.IsImage() {
			tok.Modality = ImageToken
			tok.ImageIndex, tok.PatchRow, tok.PatchCol = pl.ImageIndex, pl.Row, pl.Col
		}
		res.Tokens[i] = tok
	}
	merge := p.mergeSize()
	for k, d := range res.ImageDetails {
		info := ImageBlock{Index: k, GridRows: d.GridH / merge, GridCols: d.GridW / merge, FirstPosition: -1, NumTokens: d.Tokens}
		for _, tok := range res.Tokens {
			if tok.ImageIndex == k {
				info.FirstPosition = tok.Position
				break
			}
		}
		res.Images = append(res.Images, info)
	}
	return res, nil
}

// image decodes and preprocesses one image file.
func (p *Processor) image(path string, maxSide int) (Image, ImageDetail, error) {
	if p.images == nil {
		return Image{}, ImageDetail{}, fmt.Errorf("image %s: model_type %q takes no images", path, p.cfg.ModelType)
	}
	rgb, err := imageproc.DecodeFile(path)
	if err != nil {
		return Image{}, ImageDetail{}, err
	}
	if maxSide > 0 {
		if rgb, err = imageproc.LimitResolution(rgb, maxSide); err != nil {
			return Image{}, ImageDetail{}, fmt.Errorf("image %s: %w", path, err)
		}
	}
	pr, err := imageproc.Process(rgb, *p.images)
	if err != nil {
		return Image{}, ImageDetail{}, fmt.Errorf("image %s: %w", path, err)
	}
	im := Image{PixelValues: pr.PixelValues, PatchDim: pr.Cols, GridT: pr.GridT, GridH: pr.GridH, GridW: pr.GridW}
	d := ImageDetail{
		Path: path, Width: rgb.W, Height: rgb.H, ResizedW: pr.ResizedW, ResizedH: pr.ResizedH,
		GridT: pr.GridT, GridH: pr.GridH, GridW: pr.GridW, Tokens: pr.NumTokens,
		PixelSHA256: pixelChecksum(pr.PixelValues),
	}
	return im, d, nil
}

// expand replaces the i-th <|image_pad|> with image i's token count, as the
// processor does to the text before tokenizing.
func (p *Processor) expand(ids []int, images []ImageDetail) ([]int, error) {
	pad := p.cfg.ImageTokenID
	n := 0
	for _, id := range ids {
		if pad >= 0 && id == pad {
			n++
		}
	}
	if n != len(images) {
		return nil, fmt.Errorf("the prompt has %d image placeholders for %d images: %w", n, len(images), ErrImageCount)
	}
	out := make([]int, 0, len(ids))
	k := 0
	for _, id := range ids {
		if pad >= 0 && id == pad {
			for j := 0; j < images[k].Tokens; j++ {
				out = append(out, pad)
			}
			k++
			continue
		}
		out = append(out, id)
	}
	return out, nil
}

func (p *Processor) mergeSize() int {
	if p.cfg.Vision != nil && p.cfg.Vision.SpatialMergeSize > 0 {
		return p.cfg.Vision.SpatialMergeSize
	}
	return 1
}

func (p *Processor) ropeOptions() mrope.Options {
	return mrope.Options{
		ImageTokenID: p.cfg.ImageTokenID, VideoTokenID: p.cfg.VideoTokenID,
		VisionStartTokenID: p.cfg.VisionStartTokenID, SpatialMergeSize: p.mergeSize(),
		Family: mrope.Family(p.cfg.Family),
	}
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
