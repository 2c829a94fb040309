package ort_test

import (
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

// envSharedChild marks the child process of TestSharedThreads: ONNX
// Runtime's environment is one per process and the first Runtime decides
// whether it has shared pools, so the test needs a process of its own.
const envSharedChild = "VLMASK_ORT_TEST_SHARED_THREADS_CHILD"

// TestSharedThreads: sessions on a Runtime's shared pool compute the same
// as plain Go, from several goroutines, and creating many of them adds no
// threads, where sessions with pools of their own add one per extra
// intra-op thread each.
func TestSharedThreads(t *testing.T) {
	if os.Getenv(envSharedChild) == "1" {
		sharedThreadsChild(t)
		return
	}
	newRuntime(t) // skips without the library
	cmd := exec.Command(os.Args[0], "-test.run=^TestSharedThreads$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), envSharedChild+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestSharedThreads") {
		t.Fatalf("child process: %v\n%s", err, out)
	}
	t.Logf("child process:\n%s", out)
}

func sharedThreadsChild(t *testing.T) {
	path, _, err := ort.FindLibrary("")
	if err != nil {
		t.Fatal(err)
	}
	r, err := ort.LoadWith(path, ort.LoadOptions{SharedThreads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if r.SharedThreads() != 2 {
		t.Errorf("SharedThreads() = %d, want 2", r.SharedThreads())
	}
	const m, k, n = 3, 64, 5
	rng := rand.New(rand.NewPCG(5, 6))
	w, x := randomFloat32(rng, k*n), randomFloat32(rng, m*k)
	want := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			for p := 0; p < k; p++ {
				want[i*n+j] += float64(x[i*k+p]) * float64(w[p*n+j])
			}
		}
	}
	matmul := func(opts ort.SessionOptions) *ort.Session {
		g := graph.New("matmul", 18)
		g.Output(g.MatMul(g.Input("X", graph.Float32, m, k), g.Weight("W", graph.Float32, []int64{k, n}, f32Bytes(w))), "Y")
		return newSession(t, r, g, opts)
	}
	in := tensor(t, r, []int64{m, k}, x)

	before := threadCount(t)
	shared := make([]*ort.Session, 20)
	for i := range shared {
		shared[i] = matmul(ort.SessionOptions{SharedThreads: true})
	}
	added := threadCount(t) - before
	t.Logf("20 sessions on the shared pool added %d threads", added)
	if added > 4 { // the Go runtime may start a thread or two meanwhile
		t.Errorf("20 sessions on the shared pool added %d threads", added)
	}
	var wg sync.WaitGroup
	for _, s := range shared[:4] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				outs, err := s.Run([]ort.Named{{Name: "X", Value: in}}, []string{"Y"})
				if err != nil {
					t.Error(err)
					return
				}
				got, err := ort.Data[float32](outs[0])
				if err != nil {
					t.Error(err)
				} else if rel := maxRel(t, widen(got), want); rel > maxRelTolerance {
					t.Errorf("shared-pool MatMul: maxrel %.3g", rel)
				}
				outs[0].Close()
			}
		}()
	}
	wg.Wait()

	before = threadCount(t)
	for range 5 {
		matmul(ort.SessionOptions{IntraOpThreads: 3})
	}
	added = threadCount(t) - before
	t.Logf("5 sessions with pools of their own added %d threads", added)
	if added < 5 {
		t.Errorf("5 sessions with 3-thread pools of their own added %d threads, want at least one each (is the count measured?)", added)
	}
}

// threadCount is the number of threads of this process.
func threadCount(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Skipf("threads cannot be counted here: %v", err)
	}
	return len(entries)
}

func TestSharedThreadsNeedASharedPool(t *testing.T) {
	r := newRuntime(t)
	g := graph.New("id", 18)
	g.Output(g.Op("Identity", []*graph.Value{g.Input("X", graph.Float32, 1)}), "Y")
	m, err := g.Build()
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.NewSession(m, ort.SessionOptions{SharedThreads: true})
	if !errors.Is(err, ort.ErrInvalidArgument) || !strings.Contains(err.Error(), "LoadOptions.SharedThreads") {
		t.Errorf("SharedThreads on a Runtime without a shared pool: %v", err)
	}
	if _, err := ort.LoadWith("", ort.LoadOptions{SharedThreads: -1}); !errors.Is(err, ort.ErrInvalidArgument) {
		t.Errorf("negative SharedThreads: %v", err)
	}
}
