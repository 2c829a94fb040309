package sdktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/sdk"
)

// LoadSequence reads a sequence from a JSON file in one of two forms: an
// sdk.Sequence object, or a token table as in the golden data's
// expected/tokens.json (an array of {pos, id, text, modality, image_index,
// patch_row, patch_col}), which SequenceFromTokenTable converts.
func LoadSequence(t testing.TB, path string) sdk.Sequence {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("load sequence: %v", err)
	}
	seq, err := ParseSequence(data)
	if err != nil {
		t.Fatalf("load sequence %q: %v", path, err)
	}
	return seq
}

// ParseSequence is LoadSequence without the test: it parses either form.
func ParseSequence(data []byte) (sdk.Sequence, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var table []TokenRecord
		if err := json.Unmarshal(trimmed, &table); err != nil {
			return sdk.Sequence{}, fmt.Errorf("token table: %w", err)
		}
		return SequenceFromTokenTable(table)
	}
	var seq sdk.Sequence
	if err := json.Unmarshal(trimmed, &seq); err != nil {
		return sdk.Sequence{}, fmt.Errorf("sequence: %w", err)
	}
	return seq, nil
}

// TokenRecord is one entry of a golden token table (tokens.json). Image
// fields are absent for non-image tokens.
type TokenRecord struct {
	Pos        int    `json:"pos"`
	ID         int    `json:"id"`
	Text       string `json:"text"`
	Modality   string `json:"modality"`
	ImageIndex *int   `json:"image_index"`
	PatchRow   *int   `json:"patch_row"`
	PatchCol   *int   `json:"patch_col"`
}

// SequenceFromTokenTable builds the step-0 sequence of a token table: image
// fields default to -1, Images are derived from the image tokens (grid size
// from the largest row and column), PromptLength is the table's length, and
// Special is set for texts of the form <|...|> (the table does not record
// it, and every Qwen special token has that form).
func SequenceFromTokenTable(table []TokenRecord) (sdk.Sequence, error) {
	seq := sdk.Sequence{Tokens: make([]sdk.Token, len(table)), PromptLength: len(table)}
	byImage := map[int]int{} // image index → index in seq.Images
	for i, r := range table {
		if r.Pos != i {
			return sdk.Sequence{}, fmt.Errorf("entry %d has pos %d: the table must list positions 0, 1, 2, ... in order", i, r.Pos)
		}
		tok := sdk.Token{
			Position: r.Pos, ID: r.ID, Text: r.Text, Modality: sdk.Modality(r.Modality),
			ImageIndex: -1, PatchRow: -1, PatchCol: -1,
			Special: strings.HasPrefix(r.Text, "<|") && strings.HasSuffix(r.Text, "|>"),
		}
		if r.ImageIndex != nil {
			if r.PatchRow == nil || r.PatchCol == nil {
				return sdk.Sequence{}, fmt.Errorf("entry %d: image_index without patch_row and patch_col", i)
			}
			tok.ImageIndex, tok.PatchRow, tok.PatchCol = *r.ImageIndex, *r.PatchRow, *r.PatchCol
			k, ok := byImage[tok.ImageIndex]
			if !ok {
				k = len(seq.Images)
				byImage[tok.ImageIndex] = k
				seq.Images = append(seq.Images, sdk.ImageInfo{Index: tok.ImageIndex, FirstPosition: i})
			}
			im := &seq.Images[k]
			im.NumTokens++
			im.GridRows = max(im.GridRows, tok.PatchRow+1)
			im.GridCols = max(im.GridCols, tok.PatchCol+1)
		}
		seq.Tokens[i] = tok
	}
	return seq, nil
}

// SampleSequences are small synthetic sequences in the layout vlmask
// produces, keyed by name: text only; one image with generated tokens; two
// images. The conformance suites run on all of them.
func SampleSequences() map[string]sdk.Sequence {
	return map[string]sdk.Sequence{
		"text-only": newSequence(nil, []string{" Count", " to", " five", ":"}, nil),
		"one-image-generated": newSequence([][2]int{{4, 6}}, []string{" What", "'s", " this", "?"},
			[]string{"A", " cat"}),
		"two-images": newSequence([][2]int{{2, 2}, {3, 5}}, []string{" Compare", " them"}, nil),
	}
}

// newSequence lays out a Qwen-style chat prompt: user turn with the images
// (rows × cols merged tokens each) then the words, the assistant header,
// and generated tokens after the prompt.
func newSequence(grids [][2]int, words, generated []string) sdk.Sequence {
	var seq sdk.Sequence
	add := func(text string, m sdk.Modality, special bool) *sdk.Token {
		seq.Tokens = append(seq.Tokens, sdk.Token{
			Position: len(seq.Tokens), ID: 1000 + len(seq.Tokens), Text: text, Modality: m,
			ImageIndex: -1, PatchRow: -1, PatchCol: -1, Special: special,
		})
		return &seq.Tokens[len(seq.Tokens)-1]
	}
	add("<|im_start|>", sdk.Text, true)
	add("user", sdk.Text, false)
	add("\n", sdk.Text, false)
	for i, g := range grids {
		add("<|vision_start|>", sdk.Text, true)
		seq.Images = append(seq.Images, sdk.ImageInfo{Index: i, GridRows: g[0], GridCols: g[1], FirstPosition: len(seq.Tokens), NumTokens: g[0] * g[1]})
		for r := 0; r < g[0]; r++ {
			for c := 0; c < g[1]; c++ {
				tok := add("<|image_pad|>", sdk.Image, true)
				tok.ImageIndex, tok.PatchRow, tok.PatchCol = i, r, c
			}
		}
		add("<|vision_end|>", sdk.Text, true)
	}
	for _, w := range words {
		add(w, sdk.Text, false)
	}
	add("<|im_end|>", sdk.Text, true)
	add("\n", sdk.Text, false)
	add("<|im_start|>", sdk.Text, true)
	add("assistant", sdk.Text, false)
	add("\n", sdk.Text, false)
	seq.PromptLength = len(seq.Tokens)
	for _, g := range generated {
		add(g, sdk.Text, false).Generated = true
	}
	seq.Step = len(generated)
	seq.NumLayers, seq.NumHeads = 4, 4
	return seq
}
