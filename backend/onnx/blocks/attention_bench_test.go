package blocks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
)

// BenchmarkAttention times float32 attention of 16 heads of width 64 on
// the CPU, whole (budget 0) and in blocks of queries under several
// budgets, with the session's own memory arena, none, and one shared
// arena (ort.SessionOptions): a decode step (one query), a short prefill
// and a 1024×1024 image's 4,096 patches. On the 2-vCPU development VM,
// 4,096 patches: whole 2.3 s (own arena), 4.0 s (none), 0.55 s (shared);
// blocks of 8M scores 0.73 s, 7.8 s (every block's buffers faulted in
// afresh) and 0.60 s; blocks of 1M scores 1.5 s whatever the arena (the
// Loop's per-block overhead). One query costs 0.6 ms more in a Loop (0.25
// → 0.87 ms), 64 queries 1.2 ms more. Hence the decoder's shared arena
// and its budgets of 1M..16M scores (decoder.attnBudget).
func BenchmarkAttention(b *testing.B) {
	rt := orttest.Runtime(b)
	const heads, hd = 16, 64
	for _, c := range []struct{ n, t int64 }{{1, 1024}, {64, 1024}, {4096, 4096}} {
		for _, budget := range []int64{0, 1 << 20, 4 << 20, 8 << 20, 16 << 20} {
			for _, arena := range []string{"own", "none", "shared"} {
				b.Run(fmt.Sprintf("n %d t %d budget %d arena %s", c.n, c.t, budget, arena), func(b *testing.B) {
					benchAttention(b, rt, heads, hd, c.n, c.t, budget, arena)
				})
			}
		}
	}
}

func benchAttention(b *testing.B, rt *ort.Runtime, heads, hd, n, t, budget int64, arena string) {
	g := NewWith("attention", graph.Float32, Options{AttnBudget: budget})
	gb := g.B
	q := gb.Input("q", graph.Float32, heads, "n", hd)
	k := gb.Input("k", graph.Float32, heads, "t", hd)
	v := gb.Input("v", graph.Float32, heads, "t", hd)
	kT := gb.Transpose(k, 0, 2, 1)
	perRow := gb.Mul(gb.ConstInt64(nil, heads), Dim(g, k, 1))
	ctx := g.Attention(q, v, perRow, func(bk Block) *graph.Value {
		s := bk.G.B
		return s.Mul(s.MatMul(bk.Q, kT), bk.G.Scalar(1/math.Sqrt(float64(hd))))
	})
	gb.Output(ctx, "ctx")
	m, err := gb.Build()
	if err != nil {
		b.Fatal(err)
	}
	s, err := rt.NewSession(m, ort.SessionOptions{SharedCPUArena: arena == "shared", NoCPUArena: arena == "none"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]float32, heads*t*hd)
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	var named []ort.Named
	for _, name := range []string{"q", "k", "v"} {
		rows := t
		if name == "q" {
			rows = n
		}
		x, err := ort.NewTensor(rt, []int64{heads, rows, hd}, data[:heads*rows*hd])
		if err != nil {
			b.Fatal(err)
		}
		defer x.Close()
		named = append(named, ort.Named{Name: name, Value: x})
	}
	b.ResetTimer()
	for range b.N {
		outs, err := s.Run(named, []string{"ctx"})
		if err != nil {
			b.Fatal(err)
		}
		outs[0].Close()
	}
}
