package blocks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestRowLayerGraph: for a batch of replacement final rows, each with the
// keys hidden from it, the row layer gives the final row's output of the
// reference layer run on the whole sequence with that row in the final
// place and those keys masked from the final query — against the cache of
// a prefill, with and without a sliding window, including a row that
// hides its own key, one that hides every earlier key, and the baseline
// row itself.
func TestRowLayerGraph(t *testing.T) {
	rt := runtime(t)
	const T = 7
	for name, d := range testDecoders() {
		for _, window := range []int{0, 3} {
			t.Run(fmt.Sprintf("%s/window %d", name, window), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(17, uint64(window)))
				tl := newTestLayer(rng, d)
				ws := checkpointOf(t, tl.tensors)
				hid, hd := int(d.Hidden), int(d.HeadDim)
				x := randn(rng, 1, T, d.Hidden)
				cos, sin := ropeOf(T, hd)
				allowed := causalWindow(window)

				layer, err := d.LayerGraph(ws, 0)
				if err != nil {
					t.Fatal(err)
				}
				empty := tensor{shape: []int64{d.KVHeads, 0, d.HeadDim}}
				prefill := runModel(t, rt, layer, map[string]tensor{
					InHidden: x, InCos: {shape: []int64{T, d.HeadDim}, data: cos}, InSin: {shape: []int64{T, d.HeadDim}, data: sin},
					InMask: maskOf(0, T, allowed), InPastK: empty, InPastV: empty,
				}, OutPresentK, OutPresentV)

				blocked := [][]int{nil, {1, 3}, {T - 1}, {0, 1, 2, 3, 4, 5}, {5}, nil}
				B := len(blocked)
				rows := randn(rng, 1, int64(B), d.Hidden)
				copy(rows.data[:hid], x.data[(T-1)*hid:]) // row 0: the baseline final row
				mask := tensor{shape: []int64{int64(B), T}, data: make([]float64, B*T)}
				var want []float64
				for r, g := range blocked {
					knock := map[int]bool{}
					for _, j := range g {
						knock[j] = true
					}
					for j := 0; j < T; j++ {
						if !allowed(T-1, j) || knock[j] {
							mask.data[r*T+j] = math.Inf(-1)
						}
					}
					seq := append(append([]float64(nil), x.data[:(T-1)*hid]...), rows.data[r*hid:(r+1)*hid]...)
					ref := tl.forward(seq, cos, sin, allowed, knock)
					want = append(want, ref.out[(T-1)*hid:]...)
				}

				g, err := d.RowLayerGraph(ws, 0)
				if err != nil {
					t.Fatal(err)
				}
				past := []int64{d.KVHeads, T, d.HeadDim}
				got := runModel(t, rt, g, map[string]tensor{
					InRows: rows,
					InCos:  {shape: []int64{1, d.HeadDim}, data: cos[(T-1)*hd:]},
					InSin:  {shape: []int64{1, d.HeadDim}, data: sin[(T-1)*hd:]},
					InMask: mask, InPastK: {shape: past, data: prefill[OutPresentK]}, InPastV: {shape: past, data: prefill[OutPresentV]},
				}, OutOutput)
				near(t, "row outputs", got[OutOutput], want, 1e-10)
			})
		}
	}
}

// TestRowLayerGraphFirstPosition: a one-token sequence has no cached key
// before the final one; each row attends to itself alone.
func TestRowLayerGraphFirstPosition(t *testing.T) {
	rt := runtime(t)
	d := testDecoders()["qwen3 (q/k norm, o bias)"]
	rng := rand.New(rand.NewPCG(19, 20))
	tl := newTestLayer(rng, d)
	ws := checkpointOf(t, tl.tensors)
	hid := int(d.Hidden)
	cos, sin := ropeOf(1, int(d.HeadDim))
	rows := randn(rng, 1, 2, d.Hidden)
	var want []float64
	for r := 0; r < 2; r++ {
		want = append(want, tl.forward(rows.data[r*hid:(r+1)*hid], cos, sin, causalWindow(0), nil).out...)
	}
	g, err := d.RowLayerGraph(ws, 0)
	if err != nil {
		t.Fatal(err)
	}
	past := randn(rng, 1, d.KVHeads, 1, d.HeadDim) // the final position's own entry, replaced
	got := runModel(t, rt, g, map[string]tensor{
		InRows: rows, InCos: {shape: []int64{1, d.HeadDim}, data: cos}, InSin: {shape: []int64{1, d.HeadDim}, data: sin},
		InMask: {shape: []int64{2, 1}, data: []float64{0, 0}}, InPastK: past, InPastV: past,
	}, OutOutput)
	near(t, "row outputs", got[OutOutput], want, 1e-10)
}

// TestHeadGraphNormed: the head graph's second output is the final norm.
func TestHeadGraphNormed(t *testing.T) {
	rt := runtime(t)
	for _, kind := range []NormKind{RMSNorm, OffsetRMSNorm} {
		t.Run(fmt.Sprint(kind), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(21, 22))
			d := Decoder{Hidden: 8, Vocab: 5, Eps: 1e-6, Norm: kind}
			norm, lm := randn(rng, 0.5, 8), randn(rng, 1, 5, 8)
			ws := checkpointOf(t, map[string]tensor{"norm.weight": norm, "lm.weight": lm})
			g, err := d.HeadGraph(ws, Head{Norm: "norm.weight", Unembed: "lm.weight"})
			if err != nil {
				t.Fatal(err)
			}
			x := randn(rng, 3, 3, 8)
			got := runModel(t, rt, g, map[string]tensor{InHidden: x}, OutNormed)[OutNormed]
			near(t, "normed", got, refNorm(kind, x.data, norm.data, nil, 8, 1e-6), 1e-12)
		})
	}
}
