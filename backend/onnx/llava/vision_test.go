package llava

import (
	"context"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/backend/onnx/vittower"
	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/familytest"
)

// TestFeatureSelectionAndProjector: the tower's output is the hidden
// states vision_feature_layer names (negative from the end, several
// concatenated along the width), without the class token under the
// "default" strategy and with it under "full"; the projector is linear_1,
// GELU, linear_2 of those features (checked in float64).
func TestFeatureSelectionAndProjector(t *testing.T) {
	rt := orttest.Runtime(t)
	const vh, hidden = 32, 64 // the tiny tower's and decoder's widths
	cases := []struct {
		name     string
		layers   []int // as config.json gives them
		states   []int // the hidden_states they name in a 3-layer tower
		strategy string
	}{
		{"second to last", []int{-2}, []int{2}, "default"},
		{"two layers concatenated", []int{-1, -3}, []int{3, 1}, "default"},
		{"embeddings, class token kept", []int{0}, []int{0}, "full"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var layer any = tc.layers
			if len(tc.layers) == 1 {
				layer = tc.layers[0]
			}
			dir := tinyCheckpoint(t, uint64(i+1), map[string]any{"vision_feature_layer": layer, "vision_feature_select_strategy": tc.strategy})
			width := vh * len(tc.layers)
			if width != vh { // linear_1 reads the concatenation
				familytest.RewriteTensors(t, dir, func(ts []safetensors.Tensor) []safetensors.Tensor {
					rng := rand.New(rand.NewPCG(9, 9))
					for k := range ts {
						if ts[k].Name == "multi_modal_projector.linear_1.weight" {
							ts[k].Shape = []int64{hidden, int64(width)}
							ts[k].Data = make([]byte, 4*hidden*width)
							for j := 0; j < hidden*width; j++ {
								binary.LittleEndian.PutUint32(ts[k].Data[4*j:], math.Float32bits(float32(rng.NormFloat64()/math.Sqrt(float64(width)))))
							}
						}
					}
					return ts
				})
			}
			cfg, m := loadConfigDir(t, rt, dir, decoder.Options{})
			im := familytest.RandomImage(56, uint64(i))
			f, err := m.EncodeImage(context.Background(), im)
			if err != nil {
				t.Fatal(err)
			}
			tokens, first := 16, 1
			if tc.strategy == "full" {
				tokens, first = 17, 0
			}
			if f.Tokens != tokens || f.FeatureWidth != width {
				t.Fatalf("%d tokens of width %d, want %d of %d", f.Tokens, f.FeatureWidth, tokens, width)
			}
			tw, err := vittower.New(cfg.Vision, vittower.PublishedNames().Vision)
			if err != nil {
				t.Fatal(err)
			}
			states := familytest.TowerHiddenStates(t, rt, dir, tw, im)
			var want []float64
			for r := first; r < 17; r++ {
				for _, s := range tc.states {
					want = append(want, states[s][r*vh:(r+1)*vh]...)
				}
			}
			near(t, "features", f.Features, want, 1e-5)

			w1, b1 := familytest.TensorF64(t, dir, "multi_modal_projector.linear_1.weight"), familytest.TensorF64(t, dir, "multi_modal_projector.linear_1.bias")
			w2, b2 := familytest.TensorF64(t, dir, "multi_modal_projector.linear_2.weight"), familytest.TensorF64(t, dir, "multi_modal_projector.linear_2.bias")
			h := linear(f.Features, w1, b1, width, hidden)
			for k, x := range h {
				h[k] = 0.5 * x * (1 + math.Erf(x/math.Sqrt2))
			}
			near(t, "image embeds", f.Embeds, linear(h, w2, b2, hidden, hidden), 1e-4)
		})
	}
}

// linear is x·Wᵀ + b in float64 for x [rows, in] and W [out, in].
func linear(x, w, b []float64, in, out int) []float64 {
	rows := len(x) / in
	y := make([]float64, rows*out)
	for r := 0; r < rows; r++ {
		for o := 0; o < out; o++ {
			s := b[o]
			for k := 0; k < in; k++ {
				s += x[r*in+k] * w[o*in+k]
			}
			y[r*out+o] = s
		}
	}
	return y
}

// near fails when got and want differ by more than tol·(1 + |want|).
func near(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if d := math.Abs(got[i] - want[i]); !(d <= tol*(1+math.Abs(want[i]))) {
			t.Fatalf("%s[%d] = %v, want %v (|Δ| %.3g)", what, i, got[i], want[i], d)
		}
	}
}
