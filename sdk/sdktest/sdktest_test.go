package sdktest_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/sdktest"
)

// everyOther groups each even position with the next one.
type everyOther struct{ sdk.MaskingBase }

func (everyOther) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: "every-other", Version: "0.0.1"}, nil
}

func (everyOther) Mask(_ context.Context, req sdk.MaskRequest) (sdk.MaskResponse, error) {
	var resp sdk.MaskResponse
	n := len(req.Sequence.Tokens)
	for i := 0; i < n; i += 2 {
		g := sdk.Group{Label: req.Sequence.Tokens[i].Text, Positions: []int{i}}
		if i+1 < n {
			g.Positions = append(g.Positions, i+1)
		}
		resp.Groups = append(resp.Groups, g)
	}
	return resp, nil
}

// sum adds the masked values of each group.
type sum struct{ sdk.MetricBase }

func (sum) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: "sum", Version: "0.0.1", Columns: []string{"sum"}, Variants: []sdk.VariantClass{sdk.VariantAttn, sdk.VariantHead}}, nil
}

func (sum) Score(_ context.Context, req sdk.ScoreRequest) (sdk.ScoreResponse, error) {
	col := sdk.Column{Name: "sum"}
	for _, b := range req.Batches {
		for g := range req.Groups {
			var s float32
			for _, v := range b.Masked[g*b.Dim : (g+1)*b.Dim] {
				s += v
			}
			col.Values = append(col.Values, s)
		}
	}
	return sdk.ScoreResponse{Columns: []sdk.Column{col}}, nil
}

func TestConformanceSuitesPassGoodPlugins(t *testing.T) {
	sdktest.RunMaskingConformance(t, everyOther{})
	sdktest.RunMetricConformance(t, sum{})
}

func TestSampleSequencesAreValid(t *testing.T) {
	t.Parallel()
	for name, seq := range sdktest.SampleSequences() {
		for i, tok := range seq.Tokens {
			if tok.Position != i {
				t.Errorf("%s: token %d has position %d", name, i, tok.Position)
			}
			if (tok.Modality == sdk.Image) != (tok.ImageIndex >= 0) {
				t.Errorf("%s: token %d: modality %s with image index %d", name, i, tok.Modality, tok.ImageIndex)
			}
			if tok.Generated != (i >= seq.PromptLength) {
				t.Errorf("%s: token %d: generated=%v with prompt length %d", name, i, tok.Generated, seq.PromptLength)
			}
		}
		for _, im := range seq.Images {
			for k := 0; k < im.NumTokens; k++ {
				tok := seq.Tokens[im.FirstPosition+k]
				if tok.ImageIndex != im.Index || tok.PatchRow != k/im.GridCols || tok.PatchCol != k%im.GridCols {
					t.Errorf("%s: image %d token %d misplaced: %+v", name, im.Index, k, tok)
				}
			}
		}
	}
}

func TestLoadSequenceForms(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	table := `[{"pos": 0, "id": 505, "text": "<|im_start|>", "modality": "text"},
	  {"pos": 1, "id": 510, "text": "<|image_pad|>", "modality": "image", "image_index": 0, "patch_row": 0, "patch_col": 0},
	  {"pos": 2, "id": 510, "text": "<|image_pad|>", "modality": "image", "image_index": 0, "patch_row": 0, "patch_col": 1},
	  {"pos": 3, "id": 84, "text": " cat", "modality": "text"}]`
	tablePath := filepath.Join(dir, "tokens.json")
	if err := os.WriteFile(tablePath, []byte(table), 0o644); err != nil {
		t.Fatal(err)
	}
	got := sdktest.LoadSequence(t, tablePath)
	want := sdk.Sequence{
		Tokens: []sdk.Token{
			{Position: 0, ID: 505, Text: "<|im_start|>", Modality: sdk.Text, ImageIndex: -1, PatchRow: -1, PatchCol: -1, Special: true},
			{Position: 1, ID: 510, Text: "<|image_pad|>", Modality: sdk.Image, ImageIndex: 0, PatchRow: 0, PatchCol: 0, Special: true},
			{Position: 2, ID: 510, Text: "<|image_pad|>", Modality: sdk.Image, ImageIndex: 0, PatchRow: 0, PatchCol: 1, Special: true},
			{Position: 3, ID: 84, Text: " cat", Modality: sdk.Text, ImageIndex: -1, PatchRow: -1, PatchCol: -1},
		},
		Images:       []sdk.ImageInfo{{Index: 0, GridRows: 1, GridCols: 2, FirstPosition: 1, NumTokens: 2}},
		PromptLength: 4,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("token table loaded as\n%+v\nwant\n%+v", got, want)
	}

	// The object form round-trips through Golden's JSON.
	seq := sdktest.SampleSequences()["two-images"]
	objPath := filepath.Join(dir, "seq.json")
	writeJSON(t, objPath, seq)
	if back := sdktest.LoadSequence(t, objPath); !reflect.DeepEqual(back, seq) {
		t.Errorf("object form did not round-trip")
	}
}

func TestParseSequenceErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ data, want string }{
		"positions out of order": {data: `[{"pos": 1, "text": "a"}]`, want: "entry 0 has pos 1"},
		"image without place":    {data: `[{"pos": 0, "image_index": 0}]`, want: "image_index without patch_row"},
		"not json":               {data: `{`, want: "sequence"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := sdktest.ParseSequence([]byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestGoldenMatchesItsFile(t *testing.T) {
	t.Parallel()
	resp := sdk.MaskResponse{Groups: []sdk.Group{{Label: "a", Positions: []int{1, 2}}}}
	sdktest.Golden(t, filepath.Join("testdata", "golden.json"), resp)
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
