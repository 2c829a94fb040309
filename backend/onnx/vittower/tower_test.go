package vittower

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/safetensors"
)

const testPrefix = "vision_tower.vision_model."

// testTowers are a CLIP and a SigLIP tower in shapes the golden cases do
// not have: three heads, a 6×6 grid, other patch sizes and depths.
func testTowers() map[string]Tower {
	return map[string]Tower{
		"clip": {Kind: CLIP, Depth: 3, Hidden: 24, Inter: 40, Heads: 3, Patch: 7, ImageSize: 28, Channels: 3,
			Act: blocks.QuickGELU, Eps: 1e-5, Prefix: testPrefix},
		"siglip": {Kind: SigLIP, Depth: 2, Hidden: 16, Inter: 24, Heads: 2, Patch: 5, ImageSize: 30, Channels: 3,
			Act: blocks.GELUTanh, Eps: 1e-6, Prefix: testPrefix},
	}
}

// randomImage is a channels-first image of the tower's size.
func randomImage(t Tower, seed uint64) core.Image {
	rng := rand.New(rand.NewPCG(seed, 3))
	side := int(t.ImageSize)
	px := make([]float32, int(t.Channels)*side*side)
	for i := range px {
		px[i] = float32(rng.Float64()*2 - 1)
	}
	return core.Image{PixelValues: px, Layout: layoutChannelsFirst, Height: side, Width: side,
		GridT: 1, GridH: side / int(t.Patch), GridW: side / int(t.Patch)}
}

// TestTowerMatchesReference builds every hidden state and the post-norm of
// each tower in float32 and compares them with the float64 transcription.
func TestTowerMatchesReference(t *testing.T) {
	rt := orttest.Runtime(t)
	for name, tw := range testTowers() {
		for _, budget := range []int64{0, 1, 200} { // all queries at once, one per block, a few per block
			t.Run(fmt.Sprintf("%s, attention budget %d", name, budget), func(t *testing.T) {
				testTowerMatchesReference(t, rt, tw, budget)
			})
		}
	}
}

func testTowerMatchesReference(t *testing.T, rt *ort.Runtime, tw Tower, budget int64) {
	ref := randomWeights(tw, 5)
	dir := t.TempDir()
	ref.write(t, dir, testPrefix)
	set, err := safetensors.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { set.Close() })
	g := blocks.NewWith("tower", graph.Float32, blocks.Options{AttnBudget: budget})
	w := weights.NewDeclarer(weights.NewStore(set, graph.Float32), g.B, testPrefix)
	pixels := g.B.Input("pixels", graph.Float32, tw.Patches(), tw.PatchDim())
	states := tw.HiddenStates(g, w, pixels, int(tw.Depth))
	var outs []string
	for i, s := range states {
		outs = append(outs, fmt.Sprintf("state%d", i))
		g.B.Output(s, outs[i])
	}
	g.B.Output(tw.PostNorm(g, w, states[len(states)-1]), "post")
	outs = append(outs, "post")
	if err := w.Err(); err != nil {
		t.Fatal(err)
	}
	m, err := g.B.Build()
	if err != nil {
		t.Fatal(err)
	}
	s, err := rt.NewSession(m, ort.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	im := randomImage(tw, 9)
	rows, err := tw.PixelRows(im)
	if err != nil {
		t.Fatal(err)
	}
	in, err := ort.NewTensor(rt, []int64{tw.Patches(), tw.PatchDim()}, rows)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	got, err := s.Run([]ort.Named{{Name: "pixels", Value: in}}, outs)
	if err != nil {
		t.Fatal(err)
	}
	defer decoder.CloseAll(got)
	wide := make([]float64, len(im.PixelValues))
	for i, x := range im.PixelValues {
		wide[i] = float64(x)
	}
	want := ref.hiddenStates(tw, wide)
	want = append(want, ref.postNorm(tw, want[len(want)-1]))
	for i, o := range got {
		v, err := decoder.Float64s(o)
		if err != nil {
			t.Fatal(err)
		}
		if len(v) != len(want[i]) {
			t.Fatalf("%s: %d values, want %d", outs[i], len(v), len(want[i]))
		}
		for k := range v {
			if d := math.Abs(v[k] - want[i][k]); d > 2e-5*(1+math.Abs(want[i][k])) {
				t.Fatalf("%s[%d] = %v, want %v (|Δ| %.3g)", outs[i], k, v[k], want[i][k], d)
			}
		}
	}
}

// TestPixelRows: patch (gy, gx)'s row holds channel c's pixels (gy·p + y,
// gx·p + x) at c·p² + y·p + x, as the Conv2d kernel is laid out.
func TestPixelRows(t *testing.T) {
	t.Parallel()
	tw := testTowers()["siglip"]
	im := randomImage(tw, 2)
	rows, err := tw.PixelRows(im)
	if err != nil {
		t.Fatal(err)
	}
	side, p, grid := int(tw.ImageSize), int(tw.Patch), int(tw.Side())
	dim := int(tw.PatchDim())
	for gy := 0; gy < grid; gy++ {
		for gx := 0; gx < grid; gx++ {
			for c := 0; c < 3; c++ {
				for y := 0; y < p; y++ {
					for x := 0; x < p; x++ {
						got := rows[(gy*grid+gx)*dim+c*p*p+y*p+x]
						if want := im.PixelValues[(c*side+gy*p+y)*side+gx*p+x]; got != want {
							t.Fatalf("patch (%d, %d) c %d y %d x %d: %v, want %v", gy, gx, c, y, x, got, want)
						}
					}
				}
			}
		}
	}
}

// TestPixelRowsRefuses images the tower cannot take.
func TestPixelRowsRefuses(t *testing.T) {
	t.Parallel()
	tw := testTowers()["clip"]
	good := randomImage(tw, 1)
	wrongSize := good
	wrongSize.Height, wrongSize.Width = 14, 56
	patchRows := good
	patchRows.Layout = ""
	short := good
	short.PixelValues = short.PixelValues[1:]
	for name, im := range map[string]core.Image{"size": wrongSize, "layout": patchRows} {
		if _, err := tw.PixelRows(im); !errors.Is(err, decoder.ErrUnsupported) {
			t.Errorf("%s: %v, want ErrUnsupported", name, err)
		}
	}
	if _, err := tw.PixelRows(short); err == nil {
		t.Error("short pixel values accepted")
	}
}

// TestNewRefuses: another tower type, or an activation the blocks lack, is
// refused naming the field.
func TestNewRefuses(t *testing.T) {
	t.Parallel()
	base := checkpoint.VisionConfig{ModelType: clipModelType, Depth: 1, HiddenSize: 8, IntermediateSize: 8, NumHeads: 2,
		PatchSize: 2, ImageSize: 4, InChannels: 3, HiddenAct: "quick_gelu", LayerNormEps: 1e-5}
	for field, edit := range map[string]func(*checkpoint.VisionConfig){
		"vision_config.model_type": func(v *checkpoint.VisionConfig) { v.ModelType = "pixtral" },
		"vision_config.hidden_act": func(v *checkpoint.VisionConfig) { v.HiddenAct = "relu2" },
	} {
		vc := base
		edit(&vc)
		_, err := New(&vc, testPrefix)
		if !errors.Is(err, decoder.ErrUnsupported) || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: %v", field, err)
		}
	}
	if tw, err := New(&base, testPrefix); err != nil || tw.Kind != CLIP || tw.Positions() != 5 {
		t.Errorf("New = %+v, %v", tw, err)
	}
}
