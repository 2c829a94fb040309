package ort_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// integerGraph is Y = X[S,8]·W[8,4] + 1 over small integers, so float32
// results are exact and can be compared with ==.
func integerGraph() (*graph.Builder, []float32) {
	w := make([]float32, 8*4)
	for i := range w {
		w[i] = float32(i%7 - 3)
	}
	b := graph.New("integers", 18)
	x := b.Input("X", graph.Float32, "S", 8)
	b.Output(b.Add(b.MatMul(x, b.Weight("W", graph.Float32, []int64{8, 4}, f32Bytes(w))), b.Scalar(graph.Float32, 1)), "Y")
	return b, w
}

// integerModel is a CPU session of integerGraph.
func integerModel(tb testing.TB, r *ort.Runtime) (*ort.Session, []float32) {
	tb.Helper()
	b, w := integerGraph()
	return newSession(tb, r, b, ort.SessionOptions{IntraOpThreads: 1}), w
}

// integerInput is X for sequence length s, seeded by k.
func integerInput(s, k int) []float32 {
	x := make([]float32, s*8)
	for i := range x {
		x[i] = float32((i+k)%5 - 2)
	}
	return x
}

func integerCheck(x, w []float32, y []float32, s int) error {
	for i := range s {
		for j := range 4 {
			want := float32(1)
			for k := range 8 {
				want += x[i*8+k] * w[k*4+j]
			}
			if got := y[i*4+j]; got != want {
				return fmt.Errorf("S=%d Y[%d,%d] = %v, want %v", s, i, j, got, want)
			}
		}
	}
	return nil
}

// One session, 8 goroutines, many runs of varying length, each checked
// exactly; run it under CGO_ENABLED=1 go test -race too.
func TestConcurrentRuns(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	s, w := integerModel(t, r)
	const goroutines, runs = 8, 200
	errs := make(chan error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for k := range runs {
				seq := 1 + (g*runs+k)%16
				x := integerInput(seq, g+k)
				if err := runIntegerOnce(r, s, w, x, seq); err != nil {
					errs <- fmt.Errorf("goroutine %d run %d: %w", g, k, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func runIntegerOnce(r *ort.Runtime, s *ort.Session, w, x []float32, seq int) error {
	in, err := ort.NewTensor(r, []int64{int64(seq), 8}, x)
	if err != nil {
		return err
	}
	defer in.Close()
	outs, err := s.Run([]ort.Named{{Name: "X", Value: in}}, []string{"Y"})
	if err != nil {
		return err
	}
	defer outs[0].Close()
	y, err := ort.Data[float32](outs[0])
	if err != nil {
		return err
	}
	return integerCheck(x, w, y, seq)
}

// Many tensors over fresh Go memory, collected and re-used across forced
// garbage collections: pinned memory must never move or be freed under
// ONNX Runtime, and dropped tensors must not crash the leak cleanups.
func TestGCStress(t *testing.T) {
	t.Parallel()
	r := newRuntime(t)
	s, w := integerModel(t, r)
	for k := range 2000 {
		seq := 1 + k%16
		x := integerInput(seq, k)
		if k%3 == 0 {
			// Dropped without Close: the cleanup must release it safely.
			if _, err := ort.NewTensor(r, []int64{int64(seq), 8}, integerInput(seq, k+1)); err != nil {
				t.Fatal(err)
			}
		}
		if err := runIntegerOnce(r, s, w, x, seq); err != nil {
			t.Fatalf("run %d: %v", k, err)
		}
		if k%100 == 0 {
			runtime.GC()
		}
	}
	runtime.GC()
}
