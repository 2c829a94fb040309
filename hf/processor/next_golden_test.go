package processor

import (
	"fmt"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/hf/chattemplate"
	"github.com/vlmask/vlmask/internal/golden"
)

// TestGoldenProcessLlavaGemma3 runs the whole front end on the LLaVA and
// Gemma 3 golden cases, from the checkpoint directory, image file and
// prompt, and checks everything the model receives against transformers:
// rendered text, input ids (one <s> or <bos>), token_type_ids, pixel
// values (bitwise, channels first), 1-D position ids, the image token
// grid, and the token table.
func TestGoldenProcessLlavaGemma3(t *testing.T) {
	for _, c := range slices.Concat(golden.Cases(t, "llava_*"), golden.Cases(t, "gemma3_*")) {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			p, err := Load(c.Checkpoint(), nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Process(Request{Messages: p.UserPrompt(c.Prompt(t), len(c.Info.Images)), Images: c.ImagePaths()})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := p.UserPrompt(c.Prompt(t), len(c.Info.Images)), caseMessages(t, c); !slices.EqualFunc(got, want, messagesEqual) {
				t.Errorf("UserPrompt = %+v, want %+v", got, want)
			}
			want, err := os.ReadFile(c.Expected("prompt_rendered.txt"))
			if err != nil {
				t.Fatal(err)
			}
			if res.Rendered != string(want) {
				t.Errorf("rendered prompt:\n%q\nwant\n%q", res.Rendered, want)
			}
			var ids struct {
				InputIDs     []int    `json:"input_ids"`
				TokenTypeIDs []int    `json:"token_type_ids"`
				Grid         [][2]int `json:"image_token_grid"`
				PixelShape   []int    `json:"pixel_values_shape"`
			}
			golden.ReadJSON(t, c.Expected("input_ids.json"), &ids)
			if !slices.Equal(res.Prompt.IDs, ids.InputIDs) {
				t.Fatalf("input_ids\n got %v\nwant %v", res.Prompt.IDs, ids.InputIDs)
			}
			if !slices.Equal(res.Prompt.TokenTypeIDs, ids.TokenTypeIDs) {
				t.Errorf("token_type_ids\n got %v\nwant %v", res.Prompt.TokenTypeIDs, ids.TokenTypeIDs)
			}
			f := c.Tensors(t)
			if f.Has("token_type_ids") {
				tt, _ := golden.Int64s(t, f, "token_type_ids")
				for i := range tt {
					if int(tt[i]) != res.Prompt.TokenTypeIDs[i] {
						t.Fatalf("token_type_ids[%d] = %d, golden.safetensors %d", i, res.Prompt.TokenTypeIDs[i], tt[i])
					}
				}
			}
			pos, shape := golden.Int64s(t, f, "position_ids")
			if len(shape) != 2 || int(shape[1]) != len(res.Prompt.IDs) {
				t.Fatalf("golden position_ids shape %v", shape)
			}
			for r := range 3 {
				if !slices.Equal(res.Prompt.Positions[r], pos) {
					t.Fatalf("position_ids row %d = %v, want %v", r, res.Prompt.Positions[r], pos)
				}
			}
			if res.Prompt.RopeDelta != 0 {
				t.Errorf("rope delta %d, want 0", res.Prompt.RopeDelta)
			}
			if len(res.Images) != len(ids.Grid) {
				t.Fatalf("%d image blocks, want %d", len(res.Images), len(ids.Grid))
			}
			for k, g := range ids.Grid {
				if b := res.Images[k]; b.GridRows != g[0] || b.GridCols != g[1] || b.NumTokens != g[0]*g[1] {
					t.Errorf("image %d block %+v, want grid %v", k, b, g)
				}
			}
			checkChannelsFirstPixels(t, c, res, ids.PixelShape)
			checkTokens(t, c, res)
		})
	}
}

// checkChannelsFirstPixels compares the pixel values bitwise with
// golden.safetensors' [images, 3, H, W].
func checkChannelsFirstPixels(t *testing.T, c golden.Case, res *Result, shape []int) {
	t.Helper()
	want, wantShape := golden.Float64s(t, c.Tensors(t), "pixel_values")
	if !slices.Equal(wantShape, []int64{int64(shape[0]), int64(shape[1]), int64(shape[2]), int64(shape[3])}) {
		t.Fatalf("golden pixel_values shape %v, input_ids.json says %v", wantShape, shape)
	}
	var got []float32
	for _, im := range res.Prompt.Images {
		if im.Layout != ChannelsFirst || !slices.Equal(im.Shape(), shape[1:]) {
			t.Fatalf("image layout %s shape %v, want channels_first %v", im.Layout, im.Shape(), shape[1:])
		}
		got = append(got, im.PixelValues...)
	}
	if len(got) != len(want) {
		t.Fatalf("%d pixel values, want %d", len(got), len(want))
	}
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(float32(want[i])) {
			t.Fatalf("pixel_values[%d] = %v, want %v (bitwise)", i, got[i], want[i])
		}
	}
}

// messagesEqual compares two messages by their printed form.
func messagesEqual(a, b chattemplate.Message) bool { return fmt.Sprint(a) == fmt.Sprint(b) }
