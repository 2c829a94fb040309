package run

import (
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/processor"
	"github.com/vlmask/vlmask/sdk"
)

// AnalysisInput is the analysis input of a prepared prompt: the model input
// and the token table in the types the engine and plugins speak.
func AnalysisInput(res *processor.Result) core.Input {
	in := core.Input{Prompt: modelPrompt(res.Prompt)}
	in.Tokens = make([]sdk.Token, len(res.Tokens))
	for i, t := range res.Tokens {
		in.Tokens[i] = sdkToken(t)
	}
	for _, b := range res.Images {
		in.Images = append(in.Images, sdk.ImageInfo{
			Index: b.Index, GridRows: b.GridRows, GridCols: b.GridCols,
			FirstPosition: b.FirstPosition, NumTokens: b.NumTokens,
		})
	}
	return in
}

// GeneratedTokens returns the token-table function the engine calls for
// each generated token.
func GeneratedTokens(p *processor.Processor) func(pos, id int) sdk.Token {
	return func(pos, id int) sdk.Token { return sdkToken(p.GeneratedToken(pos, id)) }
}

func modelPrompt(in *processor.Input) *core.Prompt {
	p := &core.Prompt{IDs: in.IDs, Positions: in.Positions, RopeDelta: in.RopeDelta, TokenTypeIDs: in.TokenTypeIDs}
	for _, im := range in.Images {
		p.Images = append(p.Images, core.Image{
			PixelValues: im.PixelValues, Layout: string(im.Layout), PatchDim: im.PatchDim,
			GridT: im.GridT, GridH: im.GridH, GridW: im.GridW, Height: im.Height, Width: im.Width,
		})
	}
	return p
}

func sdkToken(t processor.Token) sdk.Token {
	return sdk.Token{
		Position: t.Position, ID: t.ID, Text: t.Text, Modality: sdk.Modality(t.Modality),
		ImageIndex: t.ImageIndex, PatchRow: t.PatchRow, PatchCol: t.PatchCol,
		Special: t.Special, Generated: t.Generated,
	}
}
