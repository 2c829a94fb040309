package familytest

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/vittower"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// RandomImage is a channels-first side×side image of values in [-2, 2).
func RandomImage(side int, seed uint64) core.Image {
	rng := rand.New(rand.NewPCG(seed, 1))
	px := make([]float32, 3*side*side)
	for i := range px {
		px[i] = float32(rng.Float64()*4 - 2)
	}
	return core.Image{PixelValues: px, Layout: "channels_first", Height: side, Width: side, GridT: 1}
}

// TowerHiddenStates runs the tower of dir's checkpoint alone on im and
// returns every hidden state (the embeddings, then each block's output).
func TowerHiddenStates(t testing.TB, rt *ort.Runtime, dir string, tw vittower.Tower, im core.Image) [][]float64 {
	t.Helper()
	set, err := safetensors.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	g := blocks.New("tower", graph.Float32)
	w := weights.NewDeclarer(weights.NewStore(set, graph.Float32), g.B, tw.Prefix)
	states := tw.HiddenStates(g, w, g.B.Input("pixels", graph.Float32, tw.Patches(), tw.PatchDim()), int(tw.Depth))
	var names []string
	for i, s := range states {
		names = append(names, "s"+strconv.Itoa(i))
		g.B.Output(s, names[i])
	}
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
	rows, err := tw.PixelRows(im)
	if err != nil {
		t.Fatal(err)
	}
	in, err := ort.NewTensor(rt, []int64{tw.Patches(), tw.PatchDim()}, rows)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	outs, err := s.Run([]ort.Named{{Name: "pixels", Value: in}}, names)
	if err != nil {
		t.Fatal(err)
	}
	defer decoder.CloseAll(outs)
	var res [][]float64
	for _, o := range outs {
		v, err := decoder.Float64s(o)
		if err != nil {
			t.Fatal(err)
		}
		res = append(res, v)
	}
	return res
}
