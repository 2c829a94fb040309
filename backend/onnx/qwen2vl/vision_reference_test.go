package qwen2vl

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// This file checks both vision towers against a float64 Go transcription
// of the reference description, on shapes the golden cases do not have:
// portrait and landscape images, windows cut short on both edges, several
// full-attention blocks in a deeper tower.

// refTower is a vision tower's configuration and random weights.
type refTower struct {
	windowed                         bool
	depth, hidden, inter, heads, out int
	patch, temporal, merge, inChans  int
	windowSize                       int
	fullAtt                          []int
	w                                map[string][]float64 // by tensor name, without the prefix
	shapes                           map[string][]int64
}

func newRefTower(windowed bool, depth int, fullAtt []int, windowSize int, seed uint64) *refTower {
	v := &refTower{
		windowed: windowed, depth: depth, hidden: 32, inter: 48, heads: 2, out: 24,
		patch: 14, temporal: 2, merge: 2, inChans: 3, windowSize: windowSize, fullAtt: fullAtt,
		w: map[string][]float64{}, shapes: map[string][]int64{},
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	add := func(name string, mean, std float64, shape ...int64) {
		n := int64(1)
		for _, d := range shape {
			n *= d
		}
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = float64(float32(mean + std*rng.NormFloat64())) // exactly representable in the F32 file
		}
		v.w[name], v.shapes[name] = vals, shape
	}
	linear := func(name string, out, in int) {
		add(name+".weight", 0, 1/math.Sqrt(float64(in)), int64(out), int64(in))
		add(name+".bias", 0, 0.1, int64(out))
	}
	norm := func(name string, width int) {
		add(name+".weight", 1, 0.1, int64(width))
		if !windowed {
			add(name+".bias", 0, 0.1, int64(width))
		}
	}
	pd := v.inChans * v.temporal * v.patch * v.patch
	add("patch_embed.proj.weight", 0, 1/math.Sqrt(float64(pd)), int64(v.hidden), int64(v.inChans), int64(v.temporal), int64(v.patch), int64(v.patch))
	for i := range depth {
		p := fmt.Sprintf("blocks.%d.", i)
		norm(p+"norm1", v.hidden)
		norm(p+"norm2", v.hidden)
		linear(p+"attn.qkv", 3*v.hidden, v.hidden)
		linear(p+"attn.proj", v.hidden, v.hidden)
		if windowed {
			linear(p+"mlp.gate_proj", v.inter, v.hidden)
			linear(p+"mlp.up_proj", v.inter, v.hidden)
			linear(p+"mlp.down_proj", v.hidden, v.inter)
		} else {
			linear(p+"mlp.fc1", v.inter, v.hidden)
			linear(p+"mlp.fc2", v.hidden, v.inter)
		}
	}
	wide := v.hidden * v.merge * v.merge
	norm("merger.ln_q", v.hidden)
	linear("merger.mlp.0", wide, wide)
	linear("merger.mlp.2", v.out, wide)
	return v
}

// config is the checkpoint configuration the family reads.
func (v *refTower) config() *checkpoint.Config {
	cfg := &checkpoint.Config{Family: checkpoint.Qwen2VL, Vision: &checkpoint.VisionConfig{
		Depth: v.depth, HiddenSize: v.hidden, IntermediateSize: v.inter, NumHeads: v.heads,
		PatchSize: v.patch, TemporalPatchSize: v.temporal, SpatialMergeSize: v.merge,
		InChannels: v.inChans, OutHiddenSize: v.out, HiddenAct: "quick_gelu",
	}}
	if v.windowed {
		cfg.Family = checkpoint.Qwen25VL
		cfg.Vision.HiddenAct = "silu"
		cfg.Vision.WindowSize = v.windowSize
		cfg.Vision.FullAttBlockIndexes = v.fullAtt
	}
	return cfg
}

// write saves the weights under prefix as an F32 safetensors file in dir.
func (v *refTower) write(t *testing.T, dir, prefix string) {
	t.Helper()
	var ts []safetensors.Tensor
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range v.w {
			if !yield(k) {
				return
			}
		}
	}) {
		f := make([]float32, len(v.w[name]))
		for i, x := range v.w[name] {
			f[i] = float32(x)
		}
		ts = append(ts, safetensors.Tensor{Name: prefix + name, DType: safetensors.F32, Shape: v.shapes[name], Data: append([]byte(nil), weights.Float32Bytes(f)...)})
	}
	if err := safetensors.WriteFile(filepath.Join(dir, "model.safetensors"), ts, nil); err != nil {
		t.Fatal(err)
	}
}

// mergeOrderRef lists each patch's (row, col) in the processor's order:
// 2×2 blocks row-major, patches row-major inside each block.
func (v *refTower) mergeOrderRef(h, w int) (rows, cols []int) {
	for br := 0; br < h/v.merge; br++ {
		for bc := 0; bc < w/v.merge; bc++ {
			for i := 0; i < v.merge; i++ {
				for j := 0; j < v.merge; j++ {
					rows = append(rows, br*v.merge+i)
					cols = append(cols, bc*v.merge+j)
				}
			}
		}
	}
	return rows, cols
}

// forward is the reference tower on one image's patches x [p][patchDim]
// of an h×w patch grid: float64 everywhere except the rotary angles,
// which are float32 as the reference computes them.
func (v *refTower) forward(x [][]float64, h, w int) [][]float64 {
	hd := v.hidden / v.heads
	hs := matmulT(x, v.w["patch_embed.proj.weight"], v.hidden, nil)

	// Rotary angles: inverse frequencies of width hd/2, the first half
	// following the patch's row, the second its column.
	quarter := hd / 4
	rows, cols := v.mergeOrderRef(h, w)
	angles := make([][]float64, len(x))
	for p := range x {
		a := make([]float64, hd)
		for i := 0; i < quarter; i++ {
			inv := float32(1 / math.Pow(10000, float64(float32(2*i)/float32(hd/2))))
			a[i] = float64(float32(rows[p]) * inv)
			a[quarter+i] = float64(float32(cols[p]) * inv)
		}
		copy(a[hd/2:], a[:hd/2])
		angles[p] = a
	}

	// Window order and the window lengths in patches.
	unit := v.merge * v.merge
	tokens := len(x) / unit
	order := make([]int, tokens)
	for i := range order {
		order[i] = i
	}
	windowLens := []int{len(x)}
	if v.windowed {
		side := v.windowSize / v.merge / v.patch
		var sizes []int
		order, sizes = windowOrderReference(1, h/v.merge, w/v.merge, side)
		windowLens = nil
		for _, s := range sizes {
			windowLens = append(windowLens, s*unit)
		}
	}
	perm := func(m [][]float64) [][]float64 {
		out := make([][]float64, 0, len(m))
		for _, k := range order {
			out = append(out, m[k*unit:(k+1)*unit]...)
		}
		return out
	}
	hs, angles = perm(hs), perm(angles)

	for i := range v.depth {
		p := fmt.Sprintf("blocks.%d.", i)
		lens := []int{len(x)}
		if v.windowed && !slices.Contains(v.fullAtt, i) {
			lens = windowLens
		}
		n1 := v.normRows(hs, p+"norm1")
		qkv := matmulT(n1, v.w[p+"attn.qkv.weight"], 3*v.hidden, v.w[p+"attn.qkv.bias"])
		ctx := make([][]float64, len(hs))
		for r := range ctx {
			ctx[r] = make([]float64, v.hidden)
		}
		for head := range v.heads {
			q := make([][]float64, len(hs))
			k := make([][]float64, len(hs))
			for r := range hs {
				q[r] = rotate(qkv[r][head*hd:(head+1)*hd], angles[r])
				k[r] = rotate(qkv[r][v.hidden+head*hd:v.hidden+(head+1)*hd], angles[r])
			}
			start := 0
			for _, n := range lens {
				for r := start; r < start+n; r++ {
					scores := make([]float64, n)
					for c := range n {
						for d := range hd {
							scores[c] += q[r][d] * k[start+c][d]
						}
						scores[c] /= math.Sqrt(float64(hd))
					}
					softmax(scores)
					for c := range n {
						for d := range hd {
							ctx[r][head*hd+d] += scores[c] * qkv[start+c][2*v.hidden+head*hd+d]
						}
					}
				}
				start += n
			}
		}
		hs = addRows(hs, matmulT(ctx, v.w[p+"attn.proj.weight"], v.hidden, v.w[p+"attn.proj.bias"]))
		n2 := v.normRows(hs, p+"norm2")
		var mlp [][]float64
		if v.windowed {
			gate := matmulT(n2, v.w[p+"mlp.gate_proj.weight"], v.inter, v.w[p+"mlp.gate_proj.bias"])
			up := matmulT(n2, v.w[p+"mlp.up_proj.weight"], v.inter, v.w[p+"mlp.up_proj.bias"])
			for r := range gate {
				for j, g := range gate[r] {
					gate[r][j] = g / (1 + math.Exp(-g)) * up[r][j]
				}
			}
			mlp = matmulT(gate, v.w[p+"mlp.down_proj.weight"], v.hidden, v.w[p+"mlp.down_proj.bias"])
		} else {
			fc1 := matmulT(n2, v.w[p+"mlp.fc1.weight"], v.inter, v.w[p+"mlp.fc1.bias"])
			for r := range fc1 {
				for j, a := range fc1[r] {
					fc1[r][j] = a / (1 + math.Exp(-1.702*a))
				}
			}
			mlp = matmulT(fc1, v.w[p+"mlp.fc2.weight"], v.hidden, v.w[p+"mlp.fc2.bias"])
		}
		hs = addRows(hs, mlp)
	}

	normed := v.normRows(hs, "merger.ln_q")
	wide := make([][]float64, tokens)
	for k := range wide {
		for j := range unit {
			wide[k] = append(wide[k], normed[k*unit+j]...)
		}
	}
	fc1 := matmulT(wide, v.w["merger.mlp.0.weight"], len(wide[0]), v.w["merger.mlp.0.bias"])
	for r := range fc1 {
		for j, a := range fc1[r] {
			fc1[r][j] = 0.5 * a * (1 + math.Erf(a/math.Sqrt2))
		}
	}
	merged := matmulT(fc1, v.w["merger.mlp.2.weight"], v.out, v.w["merger.mlp.2.bias"])
	out := make([][]float64, tokens)
	for i, k := range order { // argsort of the window order
		out[k] = merged[i]
	}
	return out
}

// normRows is the tower's norm (RMSNorm for Qwen2.5-VL, LayerNorm for
// Qwen2-VL, eps 1e-6) on every row.
func (v *refTower) normRows(x [][]float64, name string) [][]float64 {
	w, b := v.w[name+".weight"], v.w[name+".bias"]
	out := make([][]float64, len(x))
	for r, row := range x {
		n := float64(len(row))
		var mean, sq float64
		if !v.windowed {
			for _, a := range row {
				mean += a / n
			}
		}
		for _, a := range row {
			sq += (a - mean) * (a - mean) / n
		}
		out[r] = make([]float64, len(row))
		for j, a := range row {
			out[r][j] = (a - mean) / math.Sqrt(sq+1e-6) * w[j]
			if b != nil {
				out[r][j] += b[j]
			}
		}
	}
	return out
}

// matmulT is x·Wᵀ + bias for W stored [out, in] row-major.
func matmulT(x [][]float64, w []float64, out int, bias []float64) [][]float64 {
	res := make([][]float64, len(x))
	for r, row := range x {
		res[r] = make([]float64, out)
		for o := range out {
			s := 0.0
			if bias != nil {
				s = bias[o]
			}
			for i, a := range row {
				s += a * w[o*len(row)+i]
			}
			res[r][o] = s
		}
	}
	return res
}

func addRows(x, y [][]float64) [][]float64 {
	out := make([][]float64, len(x))
	for r := range x {
		out[r] = make([]float64, len(x[r]))
		for j := range x[r] {
			out[r][j] = x[r][j] + y[r][j]
		}
	}
	return out
}

// rotate is x·cos + rotate_half(x)·sin for one head's vector.
func rotate(x, angles []float64) []float64 {
	half := len(x) / 2
	out := make([]float64, len(x))
	for d := range x {
		var rot float64
		if d < half {
			rot = -x[d+half]
		} else {
			rot = x[d-half]
		}
		c := float64(float32(math.Cos(angles[d])))
		s := float64(float32(math.Sin(angles[d])))
		out[d] = x[d]*c + rot*s
	}
	return out
}

func softmax(x []float64) {
	m := math.Inf(-1)
	for _, a := range x {
		m = math.Max(m, a)
	}
	sum := 0.0
	for i, a := range x {
		x[i] = math.Exp(a - m)
		sum += x[i]
	}
	for i := range x {
		x[i] /= sum
	}
}

// TestVisionTowerReference runs both towers on ONNX Runtime and compares
// their merged embeddings with the float64 reference.
func TestVisionTowerReference(t *testing.T) {
	rt := orttest.Runtime(t)
	tests := map[string]towerCase{
		"qwen2_vl portrait":                        {depth: 2, gridH: 10, gridW: 6},
		"qwen2_vl landscape":                       {depth: 2, gridH: 4, gridW: 12},
		"qwen2_5_vl portrait, partial windows":     {windowed: true, depth: 4, fullAtt: []int{1, 3}, windowSize: 56, gridH: 14, gridW: 6},
		"qwen2_5_vl landscape, 4×4 windows":        {windowed: true, depth: 3, fullAtt: []int{2}, windowSize: 112, gridH: 10, gridW: 18},
		"qwen2_5_vl exact windows, no full blocks": {windowed: true, depth: 2, windowSize: 56, gridH: 8, gridW: 8},
		"qwen2_5_vl only full blocks":              {windowed: true, depth: 2, fullAtt: []int{0, 1}, windowSize: 56, gridH: 6, gridW: 10},
	}
	for name, tc := range tests {
		// Budgets: every query at once; one query per block; blocks of a
		// few rows with a padded last block (windows and blocks cut
		// across each other).
		for _, budget := range []int64{0, 1, 1000} {
			t.Run(fmt.Sprintf("%s, attention budget %d", name, budget), func(t *testing.T) {
				testVisionTowerReference(t, rt, tc, budget)
			})
		}
	}
}

// towerCase is one tower shape and image grid of TestVisionTowerReference.
type towerCase struct {
	windowed   bool
	depth      int
	fullAtt    []int
	windowSize int
	gridH      int
	gridW      int
}

func testVisionTowerReference(t *testing.T, rt *ort.Runtime, tc towerCase, budget int64) {
	ref := newRefTower(tc.windowed, tc.depth, tc.fullAtt, tc.windowSize, 1)
	dir := t.TempDir()
	ref.write(t, dir, legacyVisionPrefix)
	set, err := safetensors.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { set.Close() })
	tw, err := newTower(ref.config(), legacyVisionPrefix)
	if err != nil {
		t.Fatal(err)
	}
	graphs, err := tw.Graphs(weights.NewStore(set, graph.Float32), blocks.Options{AttnBudget: budget})
	if err != nil {
		t.Fatal(err)
	}
	s, err := rt.NewSession(graphs[0], ort.SessionOptions{OptimizationLevel: ort.OptimizeAll})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })

	pd := int(tw.patchDim())
	im := core.Image{PatchDim: pd, GridT: 1, GridH: tc.gridH, GridW: tc.gridW}
	rng := rand.New(rand.NewPCG(2, 3))
	x := make([][]float64, im.Patches())
	for p := range x {
		x[p] = make([]float64, pd)
		for j := range x[p] {
			px := float32(rng.Float64()*4 - 2)
			x[p][j] = float64(px)
			im.PixelValues = append(im.PixelValues, px)
		}
	}
	f, err := tw.Encode(context.Background(), rt, []*ort.Session{s}, im)
	if err != nil {
		t.Fatal(err)
	}
	want := ref.forward(x, tc.gridH, tc.gridW)
	if f.Tokens != len(want) || len(f.Embeds) != len(want)*ref.out {
		t.Fatalf("%d tokens, %d values; want %d tokens of %d", f.Tokens, len(f.Embeds), len(want), ref.out)
	}
	worst, scale := 0.0, 0.0
	for k, row := range want {
		for j, w := range row {
			worst = math.Max(worst, math.Abs(f.Embeds[k*ref.out+j]-w))
			scale = math.Max(scale, math.Abs(w))
		}
	}
	if tol := 2e-5 * scale; worst > tol {
		t.Errorf("max |Δ| %.3g over embeddings up to %.3g (tolerance %.3g)", worst, scale, tol)
	}
	t.Logf("max |Δ| %.3g over embeddings up to %.3g", worst, scale)
}
