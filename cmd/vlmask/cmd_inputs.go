package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/vlmask/vlmask/internal/run"

	"github.com/urfave/cli/v2"
	"github.com/vlmask/vlmask/sdk"
)

func (a *app) inputsCommand() *cli.Command {
	return &cli.Command{
		Name:  "inputs",
		Usage: "show exactly what the model will be fed: chat text, tokens, pixels, grids, position ids",
		Description: "Runs the front end only (no ONNX Runtime needed). A user debugging a prompt looks here first.\n" +
			"Example: vlmask inputs --model Qwen/Qwen3-VL-2B-Instruct --image cat.png --prompt 'What is this?'",
		Flags:  append(modelFlags(), jsonFlag("print JSON instead of tables")),
		Action: a.inputs,
	}
}

// inputsJSON is `vlmask inputs --json`.
type inputsJSON struct {
	Rendered    string      `json:"rendered"`
	InputIDs    []int       `json:"input_ids"`
	Tokens      []sdk.Token `json:"tokens"`
	Images      []imageJSON `json:"images"`
	PositionIDs [3][]int64  `json:"position_ids"`
	RopeDelta   int64       `json:"rope_delta"`
	// TokenTypeIDs are Gemma 3's token_type_ids (1 at image tokens).
	TokenTypeIDs []int `json:"token_type_ids,omitempty"`
}

type imageJSON struct {
	Path              string `json:"path"`
	Size              [2]int `json:"size_wh"`
	Resized           [2]int `json:"resized_wh"`
	GridTHW           [3]int `json:"image_grid_thw"`
	Tokens            int    `json:"tokens"`
	PixelValuesShape  []int  `json:"pixel_values_shape"`
	PixelValuesSHA256 string `json:"pixel_values_sha256"`
	FirstPosition     int    `json:"first_position"`
	MergedGrid        [2]int `json:"merged_grid_rows_cols"`
}

func (a *app) inputs(c *cli.Context) error {
	text, err := a.promptText(c)
	if err != nil {
		return err
	}
	proc, err := a.openFrontEnd(c)
	if err != nil {
		return err
	}
	res, err := prepare(c, proc, text)
	if err != nil {
		return err
	}
	out := inputsJSON{Rendered: res.Rendered, InputIDs: res.Prompt.IDs, Tokens: run.AnalysisInput(res).Tokens, PositionIDs: res.Prompt.Positions, RopeDelta: res.Prompt.RopeDelta,
		TokenTypeIDs: res.Prompt.TokenTypeIDs}
	for k, d := range res.ImageDetails {
		im := res.Prompt.Images[k]
		out.Images = append(out.Images, imageJSON{
			Path: d.Path, Size: [2]int{d.Width, d.Height}, Resized: [2]int{d.ResizedW, d.ResizedH},
			GridTHW: [3]int{d.GridT, d.GridH, d.GridW}, Tokens: d.Tokens,
			PixelValuesShape: im.Shape(), PixelValuesSHA256: d.PixelSHA256,
			FirstPosition: res.Images[k].FirstPosition, MergedGrid: [2]int{res.Images[k].GridRows, res.Images[k].GridCols},
		})
	}
	if c.Bool(flagJSON) {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	w := a.stdout
	fmt.Fprintf(w, "chat template (%s) rendered:\n%s\n", proc.Template().Source, indent(res.Rendered))
	fmt.Fprintf(w, "\n%d tokens:\n", len(res.Tokens))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "pos\tid\tmodality\timage\trow\tcol\tt\th\tw\ttext")
	for i, tok := range res.Tokens {
		img, row, col := "", "", ""
		if tok.ImageIndex >= 0 {
			img, row, col = strconv.Itoa(tok.ImageIndex), strconv.Itoa(tok.PatchRow), strconv.Itoa(tok.PatchCol)
		}
		p := res.Prompt.Positions
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%q\n", i, tok.ID, tok.Modality, img, row, col, p[0][i], p[1][i], p[2][i], tok.Text)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nrope delta: %d\n", res.Prompt.RopeDelta)
	for _, im := range out.Images {
		fmt.Fprintf(w, "image %s: %d×%d → resized %d×%d, image_grid_thw %v, %d tokens (merged grid %d×%d from position %d), pixel_values %v sha256 %s\n",
			im.Path, im.Size[0], im.Size[1], im.Resized[0], im.Resized[1], im.GridTHW, im.Tokens,
			im.MergedGrid[0], im.MergedGrid[1], im.FirstPosition, im.PixelValuesShape, im.PixelValuesSHA256)
	}
	return nil
}

// indent prefixes every line with two spaces, so the rendered text stands
// apart from the rest of the output.
func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }
