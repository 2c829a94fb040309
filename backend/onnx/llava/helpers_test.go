package llava

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/vittower"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// tinyCheckpoint writes a generated tiny LLaVA checkpoint (the golden
// shapes) with config.json's top-level keys edited (nil deletes one).
func tinyCheckpoint(t *testing.T, seed uint64, edits map[string]any) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "model")
	if err := testmodel.Generate(dir, testmodel.Options{Family: testmodel.FamilyLlava, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	editConfig(t, dir, func(cfg map[string]any) {
		for k, v := range edits {
			if v == nil {
				delete(cfg, k)
			} else {
				cfg[k] = v
			}
		}
	})
	return dir
}

// editConfig rewrites dir/config.json through edit.
func editConfig(t *testing.T, dir string, edit func(map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, "config.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	edit(cfg)
	if raw, err = json.Marshal(cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// rewriteTensors rewrites dir/model.safetensors through edit, which may
// rename, replace or drop tensors.
func rewriteTensors(t *testing.T, dir string, edit func([]safetensors.Tensor) []safetensors.Tensor) {
	t.Helper()
	set, err := safetensors.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ts []safetensors.Tensor
	for _, name := range set.Names() {
		x, err := set.Tensor(name)
		if err != nil {
			t.Fatal(err)
		}
		x.Data = append([]byte(nil), x.Data...)
		ts = append(ts, x)
	}
	set.Close()
	if err := safetensors.WriteFile(filepath.Join(dir, "model.safetensors"), edit(ts), nil); err != nil {
		t.Fatal(err)
	}
}

// loadConfigDir loads dir's config and model, closed when the test ends.
func loadConfigDir(t *testing.T, rt *ort.Runtime, dir string, opts decoder.Options) (*checkpoint.Config, *decoder.Model) {
	t.Helper()
	cfg, err := checkpoint.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(rt, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return cfg, m
}

// tensorF64 reads a tensor of dir's checkpoint as float64.
func tensorF64(t *testing.T, dir, name string) []float64 {
	t.Helper()
	set, err := safetensors.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	x, err := set.Tensor(name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := x.Float64()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// randomImage is a channels-first side×side image.
func randomImage(side int, seed uint64) core.Image {
	rng := rand.New(rand.NewPCG(seed, 1))
	px := make([]float32, 3*side*side)
	for i := range px {
		px[i] = float32(rng.Float64()*4 - 2)
	}
	return core.Image{PixelValues: px, Layout: "channels_first", Height: side, Width: side, GridT: 1}
}

// hiddenStates runs the tower alone (every hidden state) on im.
func hiddenStates(t *testing.T, rt *ort.Runtime, dir string, tw vittower.Tower, im core.Image) [][]float64 {
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
