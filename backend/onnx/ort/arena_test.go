package ort_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// TestCPUArenas: sessions with an arena of their own, without one, and
// sharing one compute the same softmax(x·w), run after run, and the shared
// arena registered by one Runtime serves the next one in the process.
func TestCPUArenas(t *testing.T) {
	const m, k, n = 4, 32, 6
	rng := rand.New(rand.NewPCG(7, 8))
	w, x := randomFloat32(rng, k*n), randomFloat32(rng, m*k)
	want := make([]float64, m*n)
	for i := 0; i < m; i++ {
		row := want[i*n : (i+1)*n]
		top := math.Inf(-1)
		for j := range row {
			for p := 0; p < k; p++ {
				row[j] += float64(x[i*k+p]) * float64(w[p*n+j])
			}
			top = math.Max(top, row[j])
		}
		sum := 0.0
		for j := range row {
			row[j] = math.Exp(row[j] - top)
			sum += row[j]
		}
		for j := range row {
			row[j] /= sum
		}
	}
	for _, tc := range []struct {
		name string
		opts ort.SessionOptions
	}{
		{"own arena", ort.SessionOptions{}},
		{"no arena", ort.SessionOptions{NoCPUArena: true}},
		{"shared arena", ort.SessionOptions{SharedCPUArena: true}},
		{"shared arena, a second runtime", ort.SessionOptions{SharedCPUArena: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRuntime(t)
			var sessions []*ort.Session
			for range 2 {
				b := graph.New("softmax", 18)
				in := b.Input("x", graph.Float32, "m", k)
				b.Output(b.Softmax(b.MatMul(in, b.Weight("w", graph.Float32, []int64{k, n}, f32Bytes(w))), -1), "y")
				sessions = append(sessions, newSession(t, r, b, tc.opts))
			}
			xv := tensor(t, r, []int64{m, k}, x)
			for round := range 2 {
				for i, s := range sessions {
					got, err := ort.Data[float32](run(t, s, []ort.Named{{Name: "x", Value: xv}}, "y")[0])
					if err != nil {
						t.Fatal(err)
					}
					for j := range want {
						if d := math.Abs(float64(got[j]) - want[j]); d > maxRelTolerance {
							t.Fatalf("round %d session %d: y[%d] = %v, want %v", round, i, j, got[j], want[j])
						}
					}
				}
			}
		})
	}
}
