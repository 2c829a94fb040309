package blocks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// refViT is a pre-norm ViT block over x [p, hidden]: full attention of
// every patch to every patch (allowed permitting), q and k rotated when
// cos is not nil.
func refViT(x []float64, hidden, heads int, n1, n2 []float64, n1b, n2b []float64, kind NormKind,
	q, k, v, qb, kb, vb, proj, projB []float64, mlp func([]float64) []float64,
	cos, sin []float64, allowed func(i, j int) bool) []float64 {
	hd := hidden / heads
	p := len(x) / hidden
	h := refNorm(kind, x, n1, n1b, hidden, 1e-6)
	Q := refLinear(h, q, qb, hidden, hidden)
	K := refLinear(h, k, kb, hidden, hidden)
	V := refLinear(h, v, vb, hidden, hidden)
	if cos != nil {
		Q = refRope(Q, cos, sin, p, heads, hd)
		K = refRope(K, cos, sin, p, heads, hd)
	}
	ctx := make([]float64, p*hidden)
	for i := 0; i < p; i++ {
		for hh := 0; hh < heads; hh++ {
			row := make([]float64, p)
			for j := 0; j < p; j++ {
				s := 0.0
				for e := 0; e < hd; e++ {
					s += Q[i*hidden+hh*hd+e] * K[j*hidden+hh*hd+e]
				}
				row[j] = s / math.Sqrt(float64(hd))
				if allowed != nil && !allowed(i, j) {
					row[j] = math.Inf(-1)
				}
			}
			for j, w := range refSoftmax(row) {
				for e := 0; e < hd; e++ {
					ctx[i*hidden+hh*hd+e] += w * V[j*hidden+hh*hd+e]
				}
			}
		}
	}
	x = add(x, refLinear(ctx, proj, projB, hidden, hidden))
	return add(x, mlp(refNorm(kind, x, n2, n2b, hidden, 1e-6)))
}

func TestViTBlock(t *testing.T) {
	rt := runtime(t)
	const p, hidden, heads, inter = 8, 12, 3, 20
	hd := hidden / heads
	for _, fused := range []bool{true, false} {
		for _, rope := range []bool{true, false} {
			for _, mc := range []struct {
				masked, segments bool
				budget           int64
			}{{false, false, 0}, {true, false, 0}, {true, true, 0}, {false, false, 3 * heads * p}, {true, false, 3 * heads * p}, {true, true, 3 * heads * p}, {true, true, 1}} {
				masked := mc.masked
				t.Run(fmt.Sprintf("fused %v rope %v mask %v segments %v budget %d", fused, rope, masked, mc.segments, mc.budget), func(t *testing.T) {
					rng := rand.New(rand.NewPCG(21, 22))
					x := randn(rng, 1, p, hidden)
					n1, n2, n1b, n2b := randn(rng, 0.3, hidden), randn(rng, 0.3, hidden), randn(rng, 0.1, hidden), randn(rng, 0.1, hidden)
					qkv, qkvB := randn(rng, 0.4, 3*hidden, hidden), randn(rng, 0.1, 3*hidden)
					proj, projB := randn(rng, 0.4, hidden, hidden), randn(rng, 0.1, hidden)
					fc1, fc1b, fc2, fc2b := randn(rng, 0.4, inter, hidden), randn(rng, 0.1, inter), randn(rng, 0.4, hidden, inter), randn(rng, 0.1, hidden)
					slice := func(tn tensor, part int) tensor {
						rows := tn.shape[0] / 3
						w := int64(1)
						if len(tn.shape) > 1 {
							w = tn.shape[1]
						}
						shape := append([]int64{rows}, tn.shape[1:]...)
						return tensor{shape: shape, data: tn.data[int64(part)*rows*w : int64(part+1)*rows*w]}
					}

					g := NewWith("vit", graph.Float64, Options{AttnBudget: mc.budget})
					b := g.B
					blk := ViTBlock{
						Hidden: hidden, Heads: heads,
						Norm1: Norm{Kind: LayerNorm, Weight: weight(b, "n1", n1), Bias: weight(b, "n1b", n1b), Eps: 1e-6},
						Norm2: Norm{Kind: LayerNorm, Weight: weight(b, "n2", n2), Bias: weight(b, "n2b", n2b), Eps: 1e-6},
						Proj:  weight(b, "proj", proj), ProjBias: weight(b, "projb", projB),
						MLP: DenseMLP{Act: QuickGELU, FC1: weight(b, "fc1", fc1), FC1Bias: weight(b, "fc1b", fc1b),
							FC2: weight(b, "fc2", fc2), FC2Bias: weight(b, "fc2b", fc2b)},
					}
					if fused {
						blk.QKV, blk.QKVBias = weight(b, "qkv", qkv), weight(b, "qkvb", qkvB)
					} else {
						blk.Q, blk.K, blk.V = weight(b, "q", slice(qkv, 0)), weight(b, "k", slice(qkv, 1)), weight(b, "v", slice(qkv, 2))
						blk.QBias, blk.KBias, blk.VBias = weight(b, "qb", slice(qkvB, 0)), weight(b, "kb", slice(qkvB, 1)), weight(b, "vb", slice(qkvB, 2))
					}
					inputs := map[string]tensor{"x": x}
					var cos, sin *graph.Value
					var mask Mask
					var cosT, sinT []float64
					if rope {
						c32, s32 := VisionRope2D(hd, 1, 4, 2, 2)
						for i := range c32 {
							cosT, sinT = append(cosT, float64(c32[i])), append(sinT, float64(s32[i]))
						}
						inputs["cos"] = tensor{shape: []int64{p, 1, int64(hd)}, data: cosT}
						inputs["sin"] = tensor{shape: []int64{p, 1, int64(hd)}, data: sinT}
						cos, sin = b.Input("cos", graph.Float64, p, 1, hd), b.Input("sin", graph.Float64, p, 1, hd)
					}
					var allowed func(i, j int) bool
					ints := map[string]tensor{}
					if masked {
						allowed = func(i, j int) bool { return i/3 == j/3 } // windows of 3, the last partial
						if mc.segments {
							ints["ids"] = tensor{shape: []int64{p}, data: []float64{0, 0, 0, 1, 1, 1, 2, 2}}
							mask.Segments = b.Input("ids", graph.Int64, p)
						} else {
							inputs["mask"] = maskOf(0, p, allowed)
							mask.Additive = b.Input("mask", graph.Float64, p, p)
						}
					}
					b.Output(blk.Apply(g, b.Input("x", graph.Float64, p, hidden), cos, sin, mask), "y")
					m, err := b.Build()
					if err != nil {
						t.Fatal(err)
					}
					got := runModelInts(t, rt, m, inputs, ints, "y")["y"]
					mlp := func(h []float64) []float64 {
						a := refLinear(h, fc1.data, fc1b.data, hidden, inter)
						for i := range a {
							a[i] = refAct(QuickGELU, a[i])
						}
						return refLinear(a, fc2.data, fc2b.data, inter, hidden)
					}
					want := refViT(x.data, hidden, heads, n1.data, n2.data, n1b.data, n2b.data, LayerNorm,
						slice(qkv, 0).data, slice(qkv, 1).data, slice(qkv, 2).data, slice(qkvB, 0).data, slice(qkvB, 1).data, slice(qkvB, 2).data,
						proj.data, projB.data, mlp, cosT, sinT, allowed)
					near(t, "vit", got, want, 1e-10)
				})
			}
		}
	}
}

// TestPatchMerger: a window of unit consecutive patches becomes one token;
// the norm runs per patch, or on the concatenation (post-shuffle).
func TestPatchMerger(t *testing.T) {
	rt := runtime(t)
	const p, hidden, unit, out = 8, 3, 4, 5
	wide := hidden * unit
	for _, post := range []bool{false, true} {
		t.Run(fmt.Sprintf("post-shuffle %v", post), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(31, 32))
			x := randn(rng, 1, p, hidden)
			nw := hidden
			if post {
				nw = wide
			}
			norm, normB := randn(rng, 0.3, int64(nw)), randn(rng, 0.1, int64(nw))
			fc1, fc1b, fc2, fc2b := randn(rng, 0.4, int64(wide), int64(wide)), randn(rng, 0.1, int64(wide)), randn(rng, 0.4, out, int64(wide)), randn(rng, 0.1, out)
			g := New("merger", graph.Float64)
			b := g.B
			m := PatchMerger{Hidden: hidden, Unit: unit, PostShuffle: post,
				Norm: Norm{Kind: LayerNorm, Weight: weight(b, "n", norm), Bias: weight(b, "nb", normB), Eps: 1e-6},
				MLP:  DenseMLP{Act: GELUTanh, FC1: weight(b, "fc1", fc1), FC1Bias: weight(b, "fc1b", fc1b), FC2: weight(b, "fc2", fc2), FC2Bias: weight(b, "fc2b", fc2b)}}
			b.Output(m.Apply(g, b.Input("x", graph.Float64, p, hidden)), "y")
			got := runGraph(t, rt, b, map[string]tensor{"x": x}, "y")["y"]

			var merged []float64
			if post {
				merged = refNorm(LayerNorm, x.data, norm.data, normB.data, wide, 1e-6) // rows of unit patches, concatenated
			} else {
				merged = refNorm(LayerNorm, x.data, norm.data, normB.data, hidden, 1e-6)
			}
			h := refLinear(merged, fc1.data, fc1b.data, wide, wide)
			for i := range h {
				h[i] = refAct(GELUTanh, h[i])
			}
			near(t, "merged", got, refLinear(h, fc2.data, fc2b.data, wide, out), 1e-10)
		})
	}
}

// TestVisionRope2D: patch (r, c), in merge-window order, turns its first
// headDim/4 frequencies by r and the next headDim/4 by c (theta 10000 over
// headDim/2).
func TestVisionRope2D(t *testing.T) {
	const hd, h, w, merge = 16, 4, 6, 2
	cos, sin := VisionRope2D(hd, 1, h, w, merge)
	rows, cols := MergeOrder(1, h, w, merge)
	// Merge-window order: windows row-major, patches row-major inside.
	k := 0
	for br := 0; br < h/merge; br++ {
		for bc := 0; bc < w/merge; bc++ {
			for ir := 0; ir < merge; ir++ {
				for ic := 0; ic < merge; ic++ {
					if rows[k] != br*merge+ir || cols[k] != bc*merge+ic {
						t.Fatalf("patch %d at (%d, %d), want (%d, %d)", k, rows[k], cols[k], br*merge+ir, bc*merge+ic)
					}
					k++
				}
			}
		}
	}
	quarter := hd / 4
	for p := range rows {
		for i := 0; i < hd; i++ {
			j := i % (hd / 2)
			coord, f := rows[p], j
			if j >= quarter {
				coord, f = cols[p], j-quarter
			}
			inv := 1 / float32(math.Pow(10000, float64(float32(2*f)/float32(hd/2))))
			angle := float32(coord) * inv
			if cos[p*hd+i] != cos32(angle) || sin[p*hd+i] != sin32(angle) {
				t.Fatalf("patch %d dim %d: %v %v, want %v %v", p, i, cos[p*hd+i], sin[p*hd+i], cos32(angle), sin32(angle))
			}
		}
	}
}
