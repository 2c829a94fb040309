package processor

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/vlmask/vlmask/hf/chattemplate"
	"github.com/vlmask/vlmask/internal/golden"
)

// caseMessages decodes case.json's messages as transformers received them.
func caseMessages(t *testing.T, c golden.Case) []chattemplate.Message {
	t.Helper()
	var out []chattemplate.Message
	for _, raw := range c.Info.Messages {
		var m struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		msg := chattemplate.Message{Role: m.Role}
		if err := json.Unmarshal(m.Content, &msg.Text); err != nil {
			var parts []chattemplate.Part
			if err := json.Unmarshal(m.Content, &parts); err != nil {
				t.Fatalf("%s: content: %v", c.Name, err)
			}
			msg.Content = parts
		}
		out = append(out, msg)
	}
	return out
}

// TestGoldenProcess runs the whole front end on every Qwen golden case, from the
// checkpoint directory, image files and prompt, and checks everything the
// model receives: rendered text, input ids, pixel values (bitwise), grids,
// position ids, rope delta and the token table.
func TestGoldenProcess(t *testing.T) {
	for _, c := range golden.Cases(t, "qwen*") {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			p, err := Load(c.Checkpoint(), nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Process(Request{Messages: caseMessages(t, c), Images: c.ImagePaths()})
			if err != nil {
				t.Fatal(err)
			}
			// The original tool's shape of conversation gives the same messages.
			if got := p.UserPrompt(c.Prompt(t), len(c.Info.Images)); fmt.Sprint(got) != fmt.Sprint(caseMessages(t, c)) {
				t.Errorf("UserPrompt = %+v, want %+v", got, caseMessages(t, c))
			}
			want, err := os.ReadFile(c.Expected("prompt_rendered.txt"))
			if err != nil {
				t.Fatal(err)
			}
			if res.Rendered != string(want) {
				t.Errorf("rendered prompt:\n%q\nwant\n%q", res.Rendered, want)
			}
			f := c.Tensors(t)
			ids, _ := golden.Int64s(t, f, "input_ids")
			if len(ids) != len(res.Prompt.IDs) {
				t.Fatalf("%d ids, want %d", len(res.Prompt.IDs), len(ids))
			}
			for i := range ids {
				if int(ids[i]) != res.Prompt.IDs[i] {
					t.Fatalf("input_ids[%d] = %d, want %d", i, res.Prompt.IDs[i], ids[i])
				}
			}
			pos, shape := golden.Int64s(t, f, "position_ids")
			n := len(ids)
			for r := 0; r < 3; r++ {
				row := pos
				if shape[0] == 3 {
					row = pos[r*n : (r+1)*n]
				}
				for i := range row {
					if row[i] != res.Prompt.Positions[r][i] {
						t.Fatalf("position_ids[%d][%d] = %d, want %d", r, i, res.Prompt.Positions[r][i], row[i])
					}
				}
			}
			if f.Has("rope_deltas") {
				delta, _ := golden.Int64s(t, f, "rope_deltas")
				if delta[0] != res.Prompt.RopeDelta {
					t.Errorf("rope delta %d, want %d", res.Prompt.RopeDelta, delta[0])
				}
			}
			checkPixels(t, c, res)
			checkTokens(t, c, res)
		})
	}
}

func checkPixels(t *testing.T, c golden.Case, res *Result) {
	t.Helper()
	f := c.Tensors(t)
	if !f.Has("pixel_values") {
		if len(res.Prompt.Images) != 0 {
			t.Errorf("%d images for a text-only case", len(res.Prompt.Images))
		}
		return
	}
	want, _ := golden.Float64s(t, f, "pixel_values")
	grids, _ := golden.Int64s(t, f, "image_grid_thw")
	var got []float32
	for k, im := range res.Prompt.Images {
		got = append(got, im.PixelValues...)
		if g := grids[3*k : 3*k+3]; int(g[0]) != im.GridT || int(g[1]) != im.GridH || int(g[2]) != im.GridW {
			t.Errorf("image %d grid %d×%d×%d, want %v", k, im.GridT, im.GridH, im.GridW, g)
		}
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

func checkTokens(t *testing.T, c golden.Case, res *Result) {
	t.Helper()
	want := c.Tokens(t).Tokens
	if len(want) != len(res.Tokens) {
		t.Fatalf("%d tokens, want %d", len(res.Tokens), len(want))
	}
	for i, w := range want {
		g := res.Tokens[i]
		if g.Position != w.Position || g.ID != w.ID || g.Text != w.Text || string(g.Modality) != string(w.Modality) ||
			g.ImageIndex != w.ImageIndex || g.PatchRow != w.PatchRow || g.PatchCol != w.PatchCol {
			t.Fatalf("token %d = %+v, want %+v", i, g, w)
		}
	}
}
