package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vlmask/vlmask/core/results"
	"github.com/vlmask/vlmask/core/viewer"
	"github.com/vlmask/vlmask/core/viewer/viewertest"
)

// viewerInteractions is how many browser interactions the viewer scenario
// replays.
const viewerInteractions = 300

// measureViewer writes (or reuses, from $BENCH_VIEWER_FILE) a synthetic
// 10-million-row results file, measures how long `vlmask serve` takes to
// open it, then replays a random browsing session against the server over
// loopback HTTP — each interaction the requests the app sends for it, from
// a server whose caches start empty — and reports the latency percentiles.
func measureViewer(runs int) ([]scenario, error) {
	shape := viewertest.TenMillion()
	path := os.Getenv("BENCH_VIEWER_FILE")
	if path == "" || !exists(path) {
		dir, err := os.MkdirTemp("", "vlmask-bench-viewer-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		fmt.Fprintf(os.Stderr, "writing a %d-row results file…\n", shape.Rows())
		if path, err = viewertest.Write(filepath.Join(dir, "ten_million"), shape); err != nil {
			return nil, err
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}

	var opens []float64
	for range max(runs, 3) {
		start := time.Now()
		f, err := viewer.Open(path)
		if err != nil {
			return nil, err
		}
		opens = append(opens, time.Since(start).Seconds())
		f.Close()
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err := viewer.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = viewer.NewServer([]*viewer.File{f}, viewer.ServerOptions{Addr: srv.Listener.Addr().String()})
	srv.Start()
	defer srv.Close()

	byKind := map[string][]float64{}
	var all []float64
	var peak uint64
	rnd := rand.New(rand.NewPCG(1, 2))
	s := browsingState{step: 0, layer: 0, variant: "Full", variants: shape.Variants(), steps: shape.Steps, layers: shape.Layers}
	for range viewerInteractions {
		kind := s.next(rnd)
		start := time.Now()
		for _, u := range s.requests(kind) {
			if err := fetch(srv.URL + u); err != nil {
				return nil, fmt.Errorf("%s %s: %w", kind, u, err)
			}
		}
		ms := time.Since(start).Seconds() * 1000
		byKind[kind] = append(byKind[kind], ms)
		all = append(all, ms)
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		peak = max(peak, m.HeapAlloc-min(m.HeapAlloc, before.HeapAlloc))
	}
	figures := map[string]float64{"p50_ms": percentile(all, 50), "p95_ms": percentile(all, 95), "max_ms": percentile(all, 100), "peak_heap_mb": float64(peak) / (1 << 20)}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var note []string
	for _, k := range kinds {
		note = append(note, fmt.Sprintf("%s p95 %.0f ms (%d)", k, percentile(byKind[k], 95), len(byKind[k])))
	}
	return []scenario{
		{Name: "viewer_open", Runs: len(opens), MedianSeconds: percentile(opens, 50), Layers: shape.Layers,
			Figures: map[string]float64{"rows": float64(shape.Rows()), "file_mb": float64(st.Size()) / 1e6, "max_seconds": percentile(opens, 100)},
			Note:    "viewer.Open on a synthetic 10M-row file (page cache warm: the file was just written)"},
		{Name: "viewer_interaction", Runs: len(all), MedianSeconds: percentile(all, 50) / 1000, Layers: shape.Layers, Figures: figures,
			Note: "random browsing over loopback HTTP, caches cold at start; " + strings.Join(note, ", ")},
	}, nil
}

// browsingState is the app's state in the replayed session.
type browsingState struct {
	step, layer, steps, layers int
	variant                    string
	variants                   []string
}

// next picks the user's next interaction and applies it.
func (s *browsingState) next(rnd *rand.Rand) string {
	switch k := rnd.IntN(100); {
	case k < 35:
		s.layer = (s.layer + 1 + rnd.IntN(2)*(s.layers-2)) % s.layers // → or ←
		return "layer"
	case k < 60:
		s.step = (s.step + 1 + rnd.IntN(2)*(s.steps-2)) % s.steps // ↑ or ↓
		return "step"
	case k < 72:
		return "matrix"
	case k < 82:
		return "heads"
	case k < 92:
		s.variant = s.variants[rnd.IntN(len(s.variants))]
		return "variant"
	default:
		return "compare"
	}
}

// requests are the URLs the app fetches for an interaction (see main.js:
// the step's units, then the slices the view draws).
func (s *browsingState) requests(kind string) []string {
	step := strconv.Itoa(s.step)
	values := func(layers, variants, value string) string {
		q := url.Values{"step": {step}, "layers": {layers}, "variants": {variants}, "value": {value}}
		return "/api/files/0/values?" + q.Encode()
	}
	value := results.ColumnL2Distance
	if strings.HasPrefix(s.variant, "AttentionWeight_") {
		value = results.ColumnAttentionWeight
	}
	layer := strconv.Itoa(s.layer)
	info := "/api/files/0/step?step=" + step
	switch kind {
	case "matrix":
		return []string{info, values(layer, s.variant, value), values("all", s.variant, value)}
	case "heads":
		var heads []string
		for _, v := range s.variants {
			if strings.HasPrefix(v, results.VariantHeadPrefix) {
				heads = append(heads, v)
			}
		}
		return []string{info, values(layer, strings.Join(heads, ","), results.ColumnL2Distance), values(layer, s.variant, value)}
	case "compare":
		return []string{info, values(layer, s.variant, value), values(layer, results.VariantAttn, results.ColumnL2Distance)}
	}
	return []string{info, values(layer, s.variant, value)}
}

func fetch(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// percentile is the p-th percentile (nearest rank) of xs.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[min(len(s)-1, max(0, i))]
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
