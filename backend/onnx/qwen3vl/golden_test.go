package qwen3vl

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/internal/golden"
)

// runtimeForTest loads ONNX Runtime, skipping the test without it.
func runtimeForTest(t *testing.T) *ort.Runtime { return orttest.Runtime(t) }

// testDevices are the devices golden tests run on: the CPU, plus CUDA when
// VLMASK_TEST_CUDA=1 (scripts/gpu-check.sh sets it on a GPU host).
func testDevices() []ort.Device {
	devs := []ort.Device{{Kind: ort.CPU}}
	if os.Getenv("VLMASK_TEST_CUDA") == "1" {
		devs = append(devs, ort.Device{Kind: ort.CUDA})
	}
	return devs
}

// goldenPrompt builds the model input straight from the case's expected
// tensors, so these tests check the model alone, not the front end.
func goldenPrompt(t *testing.T, c golden.Case) *core.Prompt {
	t.Helper()
	f := c.Tensors(t)
	ids, _ := golden.Int64s(t, f, "input_ids")
	p := &core.Prompt{}
	for _, id := range ids {
		p.IDs = append(p.IDs, int(id))
	}
	pos, shape := golden.Int64s(t, f, "position_ids")
	n := len(ids)
	if shape[0] == 3 {
		for r := 0; r < 3; r++ {
			p.Positions[r] = pos[r*n : (r+1)*n]
		}
		delta, _ := golden.Int64s(t, f, "rope_deltas")
		p.RopeDelta = delta[0]
	} else {
		for r := 0; r < 3; r++ {
			p.Positions[r] = pos
		}
	}
	if f.Has("pixel_values") {
		pix, pshape := golden.Float64s(t, f, "pixel_values")
		grids, _ := golden.Int64s(t, f, "image_grid_thw")
		px := make([]float32, len(pix))
		for i, x := range pix {
			px[i] = float32(x)
		}
		dim := int(pshape[1])
		off := 0
		for i := 0; i < len(grids); i += 3 {
			im := core.Image{PatchDim: dim, GridT: int(grids[i]), GridH: int(grids[i+1]), GridW: int(grids[i+2])}
			im.PixelValues = px[off*dim : (off+im.Patches())*dim]
			off += im.Patches()
			p.Images = append(p.Images, im)
		}
	}
	return p
}

type generationJSON struct {
	GeneratedIDs []int `json:"generated_ids"`
	Steps        []struct {
		ID   int `json:"id"`
		Top5 []struct {
			ID   int     `json:"id"`
			Prob float64 `json:"prob"`
		} `json:"top5"`
	} `json:"steps"`
}

func TestGoldenForward(t *testing.T) {
	rt := runtimeForTest(t)
	for _, dev := range testDevices() {
		for _, c := range golden.Cases(t, "qwen3_*") {
			t.Run(dev.String()+"/"+c.Name, func(t *testing.T) { testGoldenForward(t, rt, dev, c) })
		}
	}
}

func testGoldenForward(t *testing.T, rt *ort.Runtime, dev ort.Device, c golden.Case) {
	m, err := Load(rt, c.Checkpoint(), Options{Session: ort.SessionOptions{Device: dev}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	tol := c.Tolerance(t)
	f := c.Tensors(t)
	p := goldenPrompt(t, c)
	ctx := context.Background()

	if len(p.Images) > 0 {
		feat, err := m.EncodeImage(ctx, p.Images[0])
		if err != nil {
			t.Fatal(err)
		}
		want, _ := golden.Float64s(t, f, "f64.image_embeds")
		golden.Compare(t, "image_embeds", feat.Embeds, want, tol.Quantity(t, "image_embeds"))
		for i, ds := range feat.DeepStack {
			want, _ := golden.Float64s(t, f, fmt.Sprintf("f64.deepstack_%d", i))
			golden.Compare(t, fmt.Sprintf("deepstack_%d", i), ds, want, tol.Quantity(t, "deepstack"))
		}
	}

	seq, err := m.Start(ctx, p, core.SequenceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer seq.Close()
	var lastOutputs []float64
	layerTol := tol.Quantity(t, "layer_io")
	logits, err := seq.Forward(ctx, func(pr core.LayerProbe) error {
		l := pr.Layer()
		want, _ := golden.Float64s(t, f, fmt.Sprintf("f64.layer%d.input", l))
		golden.Compare(t, fmt.Sprintf("layer %d input", l), pr.NewInputs(), want, layerTol)
		want, _ = golden.Float64s(t, f, fmt.Sprintf("f64.layer%d.output", l))
		golden.Compare(t, fmt.Sprintf("layer %d output", l), pr.NewOutputs(), want, layerTol)
		lastOutputs = append([]float64(nil), pr.NewOutputs()...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := m.Logits(lastOutputs)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := golden.Float64s(t, f, "f64.logits")
	golden.Compare(t, "logits (every prompt position)", all, want, tol.Quantity(t, "logits"))

	var gen generationJSON
	golden.ReadJSON(t, c.Expected("generation.json"), &gen)
	for s, st := range gen.Steps {
		if s > 0 {
			if err := seq.Append(gen.Steps[s-1].ID); err != nil {
				t.Fatal(err)
			}
			if logits, err = seq.Forward(ctx, nil); err != nil {
				t.Fatal(err)
			}
		}
		want, _ := golden.Float64s(t, f, fmt.Sprintf("f64.step%d.logits_last", s))
		golden.Compare(t, fmt.Sprintf("step %d logits", s), logits, want, tol.Quantity(t, "step_logits_last"))
		if got := core.Argmax(logits); got != st.ID {
			t.Errorf("step %d: greedy token %d, want %d", s, got, st.ID)
		}
		top := core.TopK(logits, 5)
		for k, w := range st.Top5 {
			if top[k].ID != w.ID {
				t.Errorf("step %d top5[%d]: id %d, want %d", s, k, top[k].ID, w.ID)
			}
			golden.Compare(t, fmt.Sprintf("step %d top5[%d] prob", s, k), []float64{top[k].Prob}, []float64{w.Prob}, tol.Quantity(t, "top5_prob"))
		}
	}
}

func TestGoldenForwardFloat64(t *testing.T) {
	rt := runtimeForTest(t)
	c := golden.Cases(t, "qwen3_vl_basic")[0]
	m, err := Load(rt, c.Checkpoint(), Options{DType: graph.Float64})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	f := c.Tensors(t)
	seq, err := m.Start(context.Background(), goldenPrompt(t, c), core.SequenceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer seq.Close()
	logits, err := seq.Forward(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := golden.Float64s(t, f, "f64.step0.logits_last")
	// A float64 computation differs from the golden float64 logits only
	// where transformers itself computes in float32 (RMSNorm, RoPE tables):
	// by at most 1.1e-6 on these cases, per the golden README.
	golden.Compare(t, "float64 step 0 logits", logits, want, 2e-6)
}
