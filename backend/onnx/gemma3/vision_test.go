package gemma3

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/backend/onnx/vittower"
	"github.com/vlmask/vlmask/internal/familytest"
)

// TestPoolingAndProjector: the tower's output is the post-normed last
// hidden state; the projector averages it over pool×pool cells of the
// patch grid (row-major), applies Gemma's (1 + w) RMSNorm with the vision
// layer_norm_eps and multiplies by mm_input_projection_weight — checked in
// float64 for pools of 1, 2 and 4 over the tiny tower's 8×8 grid.
func TestPoolingAndProjector(t *testing.T) {
	rt := orttest.Runtime(t)
	const vh, hidden, grid = 32, 64, 8
	for i, tokens := range []int{64, 16, 4} {
		side := int(math.Sqrt(float64(tokens)))
		pool := grid / side
		t.Run(fmt.Sprintf("pool %d", pool), func(t *testing.T) {
			dir := tinyCheckpoint(t, uint64(i+1), map[string]any{"mm_tokens_per_image": tokens})
			cfg, m := loadConfigDir(t, rt, dir, decoder.Options{})
			im := familytest.RandomImage(64, uint64(i))
			f, err := m.EncodeImage(context.Background(), im)
			if err != nil {
				t.Fatal(err)
			}
			if f.Tokens != tokens || f.FeatureWidth != vh {
				t.Fatalf("%d tokens of width %d, want %d of %d", f.Tokens, f.FeatureWidth, tokens, vh)
			}
			tw, err := vittower.New(cfg.Vision, vittower.PublishedNames().Vision)
			if err != nil {
				t.Fatal(err)
			}
			states := familytest.TowerHiddenStates(t, rt, dir, tw, im)
			post := layerNorm(states[len(states)-1], familytest.TensorF64(t, dir, "vision_tower.vision_model.post_layernorm.weight"),
				familytest.TensorF64(t, dir, "vision_tower.vision_model.post_layernorm.bias"), vh, 1e-6)
			near(t, "features", f.Features, post, 1e-5)

			norm := familytest.TensorF64(t, dir, "multi_modal_projector.mm_soft_emb_norm.weight")
			proj := familytest.TensorF64(t, dir, "multi_modal_projector.mm_input_projection_weight") // [vh, hidden]
			var want []float64
			for r := 0; r < side; r++ {
				for c := 0; c < side; c++ {
					cell := make([]float64, vh)
					for y := r * pool; y < (r+1)*pool; y++ {
						for x := c * pool; x < (c+1)*pool; x++ {
							for k := range cell {
								cell[k] += f.Features[(y*grid+x)*vh+k] / float64(pool*pool)
							}
						}
					}
					var ms float64
					for _, v := range cell {
						ms += v * v
					}
					scale := 1 / math.Sqrt(ms/vh+1e-6)
					for o := 0; o < hidden; o++ {
						s := 0.0
						for k, v := range cell {
							s += v * scale * (1 + norm[k]) * proj[k*hidden+o]
						}
						want = append(want, s)
					}
				}
			}
			near(t, "image embeds", f.Embeds, want, 1e-4)
		})
	}
}

// layerNorm is torch.nn.LayerNorm over rows of width w.
func layerNorm(x, weight, bias []float64, w int, eps float64) []float64 {
	out := make([]float64, len(x))
	for r := 0; r < len(x)/w; r++ {
		v := x[r*w : (r+1)*w]
		var mean, vari float64
		for _, a := range v {
			mean += a
		}
		mean /= float64(w)
		for _, a := range v {
			vari += (a - mean) * (a - mean)
		}
		vari /= float64(w)
		for k, a := range v {
			out[r*w+k] = (a-mean)/math.Sqrt(vari+eps)*weight[k] + bias[k]
		}
	}
	return out
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
