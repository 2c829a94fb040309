package blocks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// refAttention is softmax(q·kᵀ·scale + bias)·v per head, in float64: q
// [heads, n, hd], k and v [kvHeads, t, hd] (head h reads kv head
// h / (heads/kvHeads)), bias(i, j) the additive mask.
func refAttention(q, k, v []float64, heads, kvHeads, n, t, hd int, scale float64, bias func(i, j int) float64) []float64 {
	out := make([]float64, heads*n*hd)
	rep := heads / kvHeads
	for h := 0; h < heads; h++ {
		kv := h / rep
		for i := 0; i < n; i++ {
			row := make([]float64, t)
			for j := 0; j < t; j++ {
				s := 0.0
				for e := 0; e < hd; e++ {
					s += q[(h*n+i)*hd+e] * k[(kv*t+j)*hd+e]
				}
				row[j] = s*scale + bias(i, j)
			}
			for j, w := range refSoftmax(row) {
				for e := 0; e < hd; e++ {
					out[(h*n+i)*hd+e] += w * v[(kv*t+j)*hd+e]
				}
			}
		}
	}
	return out
}

// TestAttentionBlocks checks blocked attention against the float64
// reference, and each budget against the unblocked graph to the last bit:
// one row per block, blocks that leave a padded last block, a few blocks
// and one block, with a full mask, with segment ids and under grouped
// heads.
func TestAttentionBlocks(t *testing.T) {
	rt := runtime(t)
	const heads, kvHeads, hd = 4, 2, 8
	for _, tc := range []struct {
		name string
		n, t int
		mask string // "causal", "segments" or "none"
		gqa  bool
	}{
		{"causal prefill", 7, 7, "causal", true},
		{"after a cache", 5, 9, "causal", true},
		{"segments", 11, 11, "segments", false},
		{"no mask", 6, 6, "none", false},
	} {
		var want, unblocked []float64
		for _, budget := range []int64{0, 1, int64(heads * tc.t * 3), int64(heads * tc.t * (tc.n - 1)), 1 << 30} {
			t.Run(fmt.Sprintf("%s budget %d", tc.name, budget), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(tc.n), uint64(tc.t)))
				kvh := heads
				if tc.gqa {
					kvh = kvHeads
				}
				q := randn(rng, 1, heads, int64(tc.n), hd)
				k := randn(rng, 1, int64(kvh), int64(tc.t), hd)
				v := randn(rng, 1, int64(kvh), int64(tc.t), hd)
				ids := make([]int64, tc.t)
				for j := range ids {
					ids[j] = int64(j * 3 / tc.t) // three segments
				}
				bias := func(i, j int) float64 {
					switch tc.mask {
					case "causal":
						if j > i+tc.t-tc.n {
							return math.Inf(-1)
						}
					case "segments":
						if ids[i] != ids[j] {
							return math.Inf(-1)
						}
					}
					return 0
				}
				scale := 1 / math.Sqrt(hd)
				ref := refAttention(q.data, k.data, v.data, heads, kvh, tc.n, tc.t, hd, scale, bias)

				g := New("attention", graph.Float64)
				g.AttnBudget = budget
				b := g.B
				qv := b.Input("q", graph.Float64, heads, "n", hd)
				kv := b.Input("k", graph.Float64, kvh, "t", hd)
				vv := b.Input("v", graph.Float64, kvh, "t", hd)
				maskIn := b.Input("mask", graph.Float64, "n", "t")
				idsIn := b.Input("ids", graph.Int64, "t")
				kT := b.Transpose(kv, 0, 2, 1)
				values := vv
				queries := qv
				if tc.gqa {
					queries = b.Reshape(qv, int64(kvh), int64(heads/kvh), -1, hd) // [KVH, rep, n, hd]
					kT = b.Unsqueeze(kT, 1)
					values = b.Unsqueeze(vv, 1)
				}
				perRow := b.Mul(b.ConstInt64(nil, heads), Dim(g, kv, 1))
				ctx := g.Attention(queries, values, perRow, func(bk Block) *graph.Value {
					s := bk.G.B
					scores := s.Mul(s.MatMul(bk.Q, kT), bk.G.Scalar(scale))
					switch tc.mask {
					case "causal":
						scores = s.Add(scores, bk.Rows(maskIn, 0, 0))
					case "segments":
						rowIDs := bk.EdgeRows(idsIn, 0)
						same := s.Op("Equal", []*graph.Value{s.Unsqueeze(rowIDs, 1), s.Unsqueeze(idsIn, 0)})
						scores = s.Add(scores, s.Where(same, bk.G.Scalar(0), bk.G.Scalar(math.Inf(-1))))
					}
					return scores
				})
				b.Output(b.Reshape(ctx, heads, -1, hd), "ctx")

				mask := tensor{shape: []int64{int64(tc.n), int64(tc.t)}, data: make([]float64, tc.n*tc.t)}
				for i := 0; i < tc.n; i++ {
					for j := 0; j < tc.t; j++ {
						mask.data[i*tc.t+j] = bias(i, j)
					}
				}
				m, err := b.Build()
				if err != nil {
					t.Fatal(err)
				}
				idsT := tensor{shape: []int64{int64(tc.t)}}
				for _, id := range ids {
					idsT.data = append(idsT.data, float64(id))
				}
				got := runModelInts(t, rt, m, map[string]tensor{"q": q, "k": k, "v": v, "mask": mask}, map[string]tensor{"ids": idsT}, "ctx")["ctx"]
				near(t, "ctx", got, ref, 1e-12)
				if budget == 0 {
					want, unblocked = ref, got
					return
				}
				if want == nil {
					t.Skip("the unblocked case failed")
				}
				if !slices.Equal(got, unblocked) {
					t.Errorf("blocked rows differ from the unblocked graph's in the last bits")
				}
			})
		}
	}
}

// TestAttentionIndex checks Block.Index, by which a block finds its row
// numbers (the recompute graph's knocked final row), and broadcasting the
// scores over a leading batch axis that q and v do not have.
func TestAttentionIndex(t *testing.T) {
	rt := runtime(t)
	const heads, n, hd, batch = 2, 5, 4, 3
	for _, budget := range []int64{0, 1, 2 * batch * heads * n, 1 << 30} {
		t.Run(fmt.Sprintf("budget %d", budget), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			q := randn(rng, 1, heads, n, hd)
			k := randn(rng, 1, heads, n, hd)
			v := randn(rng, 1, heads, n, hd)
			// Batch c hides key c from the final query row only.
			var want []float64
			for c := 0; c < batch; c++ {
				want = append(want, refAttention(q.data, k.data, v.data, heads, heads, n, n, hd, 1, func(i, j int) float64 {
					if i == n-1 && j == c {
						return math.Inf(-1)
					}
					return 0
				})...)
			}

			g := New("attention", graph.Float64)
			g.AttnBudget = budget
			b := g.B
			qv := b.Input("q", graph.Float64, heads, "n", hd)
			kv := b.Input("k", graph.Float64, heads, "n", hd)
			vv := b.Input("v", graph.Float64, heads, "n", hd)
			hide := b.Input("hide", graph.Int64, batch) // the key each batch hides
			kT := b.Transpose(kv, 0, 2, 1)
			nDim := Dim(g, qv, 1)
			perRow := b.Mul(b.ConstInt64(nil, batch*heads), nDim)
			last := b.Sub(nDim, b.ConstInt64(nil, 1))
			keys := b.Op("Range", []*graph.Value{b.Const(graph.Int64, []int64{}, []float64{0}), b.Squeeze(nDim, 0), b.Const(graph.Int64, []int64{}, []float64{1})})
			ctx := g.Attention(qv, b.Unsqueeze(vv, 0), perRow, func(bk Block) *graph.Value {
				s := bk.G.B
				isLast := s.Op("Equal", []*graph.Value{bk.Index(qv, 1), last})                            // [rows]
				hidden := s.Op("Equal", []*graph.Value{s.Unsqueeze(hide, 1), s.Unsqueeze(keys, 0)})       // [batch, n]
				knocked := s.Op("And", []*graph.Value{s.Unsqueeze(hidden, 1, 2), s.Unsqueeze(isLast, 1)}) // [batch, 1, rows, n]
				scores := s.Unsqueeze(s.MatMul(bk.Q, kT), 0)
				return s.Add(scores, s.Where(knocked, bk.G.Scalar(math.Inf(-1)), bk.G.Scalar(0)))
			})
			b.Output(ctx, "ctx")
			m, err := b.Build()
			if err != nil {
				t.Fatal(err)
			}
			hideT := tensor{shape: []int64{batch}, data: []float64{0, 1, 2}}
			got := runModelInts(t, rt, m, map[string]tensor{"q": q, "k": k, "v": v}, map[string]tensor{"hide": hideT}, "ctx")["ctx"]
			near(t, "ctx", got, want, 1e-12)
		})
	}
}

// runModelInts runs a built float64 model whose int64 inputs are given as
// float64 values.
func runModelInts(t *testing.T, rt runtimeT, m *graph.Model, inputs, ints map[string]tensor, outputs ...string) map[string][]float64 {
	t.Helper()
	return runModelWith(t, rt, m, inputs, nil, ints, outputs...)
}
