package blocks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
)

// testLayer is a random decoder layer with its tensors by name.
type testLayer struct {
	d       Decoder
	tensors map[string]tensor
}

func newTestLayer(rng *rand.Rand, d Decoder) testLayer {
	tl := testLayer{d: d, tensors: map[string]tensor{}}
	n := d.Names
	p := d.Prefix + "layers.0."
	qDim, kvDim := d.Heads*d.HeadDim, d.KVHeads*d.HeadDim
	set := func(name string, scale float64, shape ...int64) { tl.tensors[p+name] = randn(rng, scale, shape...) }
	set(n.InputNorm+".weight", 0.3, d.Hidden)
	set(n.PreMLPNorm+".weight", 0.3, d.Hidden)
	set(n.Q+".weight", 0.4, qDim, d.Hidden)
	set(n.K+".weight", 0.4, kvDim, d.Hidden)
	set(n.V+".weight", 0.4, kvDim, d.Hidden)
	set(n.O+".weight", 0.4, d.Hidden, qDim)
	set(n.Gate+".weight", 0.4, d.Inter, d.Hidden)
	set(n.Up+".weight", 0.4, d.Inter, d.Hidden)
	set(n.Down+".weight", 0.4, d.Hidden, d.Inter)
	if d.QKVBias {
		set(n.Q+".bias", 0.2, qDim)
		set(n.K+".bias", 0.2, kvDim)
		set(n.V+".bias", 0.2, kvDim)
	}
	if d.OBias {
		set(n.O+".bias", 0.2, d.Hidden)
	}
	if d.MLPBias {
		set(n.Gate+".bias", 0.2, d.Inter)
		set(n.Up+".bias", 0.2, d.Inter)
		set(n.Down+".bias", 0.2, d.Hidden)
	}
	if d.QKNorm {
		set(n.QNorm+".weight", 0.3, d.HeadDim)
		set(n.KNorm+".weight", 0.3, d.HeadDim)
	}
	if d.Sandwich {
		set(n.PostAttnNorm+".weight", 0.3, d.Hidden)
		set(n.PostMLPNorm+".weight", 0.3, d.Hidden)
	}
	if d.Norm == RMSNorm {
		for name, x := range tl.tensors {
			if len(x.shape) == 1 && isNormName(name) {
				for i := range x.data {
					x.data[i] += 1 // RMSNorm weights near 1, as trained ones are
				}
			}
		}
	}
	return tl
}

func isNormName(name string) bool {
	for _, s := range []string{"layernorm", "_norm"} {
		if len(name) > len(s) && contains(name, s) {
			return true
		}
	}
	return false
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func (tl testLayer) w(name string) []float64 {
	x, ok := tl.tensors[tl.d.Prefix+"layers.0."+name]
	if !ok {
		return nil
	}
	return x.data
}

// layerResult is the reference forward of one layer over a whole
// sequence, plus what the final row needs.
type layerResult struct {
	out        []float64 // [T, hidden]
	heads      []float64 // [T, H·hd], before o_proj
	attn       []float64 // [T, hidden], o_proj's output (the Attn variant)
	scoresLast []float64 // [H, T]
}

// forward is the layer as transformers writes it, on x [T, hidden] with
// rotary tables cos/sin [T, hd] and allowed(i, j) saying whether query i
// sees key j; knock lists keys hidden from the final query.
func (tl testLayer) forward(x, cos, sin []float64, allowed func(i, j int) bool, knock map[int]bool) layerResult {
	d := tl.d
	n := d.Names
	H, KV, hd, hid := int(d.Heads), int(d.KVHeads), int(d.HeadDim), int(d.Hidden)
	T := len(x) / hid
	rep := H / KV
	h := refNorm(d.Norm, x, tl.w(n.InputNorm+".weight"), nil, hid, d.Eps)
	q := refLinear(h, tl.w(n.Q+".weight"), tl.w(n.Q+".bias"), hid, H*hd)
	k := refLinear(h, tl.w(n.K+".weight"), tl.w(n.K+".bias"), hid, KV*hd)
	v := refLinear(h, tl.w(n.V+".weight"), tl.w(n.V+".bias"), hid, KV*hd)
	if d.QKNorm {
		q = refNorm(d.Norm, q, tl.w(n.QNorm+".weight"), nil, hd, d.Eps)
		k = refNorm(d.Norm, k, tl.w(n.KNorm+".weight"), nil, hd, d.Eps)
	}
	q = refRope(q, cos, sin, T, H, hd)
	k = refRope(k, cos, sin, T, KV, hd)
	scale := 1 / math.Sqrt(float64(hd))
	if d.Scale != 0 {
		scale = d.Scale
	}
	res := layerResult{heads: make([]float64, T*H*hd), scoresLast: make([]float64, H*T)}
	for i := 0; i < T; i++ {
		for hh := 0; hh < H; hh++ {
			kv := hh / rep
			row := make([]float64, T)
			for j := 0; j < T; j++ {
				s := 0.0
				for e := 0; e < hd; e++ {
					s += q[(i*H+hh)*hd+e] * k[(j*KV+kv)*hd+e]
				}
				s *= scale
				if d.Softcap > 0 {
					s = d.Softcap * math.Tanh(s/d.Softcap)
				}
				if !allowed(i, j) || (i == T-1 && knock[j]) {
					s = math.Inf(-1)
				}
				row[j] = s
			}
			if i == T-1 {
				copy(res.scoresLast[hh*T:], row)
			}
			p := refSoftmax(row)
			for j, pj := range p {
				for e := 0; e < hd; e++ {
					res.heads[(i*H+hh)*hd+e] += pj * v[(j*KV+kv)*hd+e]
				}
			}
		}
	}
	res.attn = refLinear(res.heads, tl.w(n.O+".weight"), tl.w(n.O+".bias"), H*hd, hid)
	attn := res.attn
	if d.Sandwich {
		attn = refNorm(d.Norm, attn, tl.w(n.PostAttnNorm+".weight"), nil, hid, d.Eps)
	}
	mid := add(x, attn)
	m := refNorm(d.Norm, mid, tl.w(n.PreMLPNorm+".weight"), nil, hid, d.Eps)
	gate := refLinear(m, tl.w(n.Gate+".weight"), tl.w(n.Gate+".bias"), hid, int(d.Inter))
	up := refLinear(m, tl.w(n.Up+".weight"), tl.w(n.Up+".bias"), hid, int(d.Inter))
	for i := range gate {
		gate[i] = refAct(d.Act, gate[i]) * up[i]
	}
	mlp := refLinear(gate, tl.w(n.Down+".weight"), tl.w(n.Down+".bias"), int(d.Inter), hid)
	if d.Sandwich {
		mlp = refNorm(d.Norm, mlp, tl.w(n.PostMLPNorm+".weight"), nil, hid, d.Eps)
	}
	res.out = add(mid, mlp)
	return res
}

// testDecoders are the decoder variants the layer graphs must get right.
func testDecoders() map[string]Decoder {
	base := Decoder{Hidden: 16, Heads: 4, KVHeads: 2, HeadDim: 8, Inter: 24, Vocab: 11, Eps: 1e-6,
		Norm: RMSNorm, Act: SiLU, Prefix: "model.", Names: LlamaNames()}
	llama := base
	qwen2 := base
	qwen2.QKVBias = true
	qwen3 := base
	qwen3.QKNorm, qwen3.OBias = true, true
	gemma := base
	gemma.Norm, gemma.QKNorm, gemma.Sandwich, gemma.Act, gemma.Names = OffsetRMSNorm, true, true, GELUTanh, GemmaNames()
	gemma.Scale = math.Pow(24, -0.5)
	capped := base
	capped.Softcap = 1.5
	mlpBias := base
	mlpBias.MLPBias, mlpBias.QKVBias, mlpBias.OBias = true, true, true
	return map[string]Decoder{"llama": llama, "qwen2 (qkv bias)": qwen2, "qwen3 (q/k norm, o bias)": qwen3, "gemma3 (sandwich)": gemma,
		"soft cap": capped, "llama (attention and mlp bias)": mlpBias}
}

// causalWindow allows keys at or before the query, within window when
// positive.
func causalWindow(window int) func(i, j int) bool {
	return func(i, j int) bool { return j <= i && (window <= 0 || i-j < window) }
}

func maskOf(first, total int, allowed func(i, j int) bool) tensor {
	m := tensor{shape: []int64{int64(total - first), int64(total)}}
	for i := first; i < total; i++ {
		for j := 0; j < total; j++ {
			v := 0.0
			if !allowed(i, j) {
				v = math.Inf(-1)
			}
			m.data = append(m.data, v)
		}
	}
	return m
}

func ropeOf(T, hd int) (cos, sin []float64) {
	r := RopeTables{InvFreq: RopeInvFreq(10000, hd, 0)}
	pos := make([]int64, T)
	for i := range pos {
		pos[i] = int64(i)
	}
	c, s := r.Tables([3][]int64{pos, pos, pos})
	for i := range c {
		cos, sin = append(cos, float64(c[i])), append(sin, float64(s[i]))
	}
	return cos, sin
}

// TestLayerGraph runs the layer graph as the runtime does — a prefill, then
// the last tokens after a KV cache — and compares outputs and the final
// row's attention logits with the reference, with and without a sliding
// window.
func TestLayerGraph(t *testing.T) {
	rt := runtime(t)
	const T, prefill = 7, 4
	for name, d := range testDecoders() {
		for _, c := range []struct {
			window int
			budget int64
		}{{0, 0}, {3, 0}, {0, 1}, {3, 1}, {3, 2 * 4 * T}} {
			window := c.window
			d.AttnBudget = c.budget
			t.Run(fmt.Sprintf("%s/window %d budget %d", name, window, c.budget), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(7, uint64(window)))
				tl := newTestLayer(rng, d)
				ws := checkpointOf(t, tl.tensors)
				x := randn(rng, 1, T, d.Hidden)
				cos, sin := ropeOf(T, int(d.HeadDim))
				allowed := causalWindow(window)
				want := tl.forward(x.data, cos, sin, allowed, nil)

				g, err := d.LayerGraph(ws, 0)
				if err != nil {
					t.Fatal(err)
				}
				hd := int(d.HeadDim)
				part := func(v []float64, from, to, width int) tensor {
					return tensor{shape: []int64{int64(to - from), int64(width)}, data: v[from*width : to*width]}
				}
				empty := tensor{shape: []int64{d.KVHeads, 0, d.HeadDim}}
				first := runModel(t, rt, g, map[string]tensor{
					InHidden: part(x.data, 0, prefill, int(d.Hidden)), InCos: part(cos, 0, prefill, hd), InSin: part(sin, 0, prefill, hd),
					InMask: maskOf(0, prefill, allowed), InPastK: empty, InPastV: empty,
				}, OutOutput, OutPresentK, OutPresentV)
				near(t, "prefill output", first[OutOutput], want.out[:prefill*int(d.Hidden)], 1e-10)
				second := runModel(t, rt, g, map[string]tensor{
					InHidden: part(x.data, prefill, T, int(d.Hidden)), InCos: part(cos, prefill, T, hd), InSin: part(sin, prefill, T, hd),
					InMask:  maskOf(prefill, T, allowed),
					InPastK: {shape: []int64{d.KVHeads, prefill, d.HeadDim}, data: first[OutPresentK]},
					InPastV: {shape: []int64{d.KVHeads, prefill, d.HeadDim}, data: first[OutPresentV]},
				}, OutOutput, OutScoresLast)
				near(t, "decode output", second[OutOutput], want.out[prefill*int(d.Hidden):], 1e-10)
				for i, s := range want.scoresLast {
					got := second[OutScoresLast][i]
					if math.IsInf(s, -1) != math.IsInf(got, -1) || (!math.IsInf(s, -1) && math.Abs(got-s) > 1e-10*(1+math.Abs(s))) {
						t.Fatalf("scores_last[%d] = %v, want %v", i, got, s)
					}
				}
			})
		}
	}
}

// TestTailAndRecompute: the tail on the baseline head outputs gives the
// layer's attention output and update at the final position; the
// recompute graph with an empty group gives the same, and with a group
// hidden from the final query gives the reference's masked final row.
func TestTailAndRecompute(t *testing.T) {
	rt := runtime(t)
	const T = 6
	for name, d := range testDecoders() {
		for _, budget := range []int64{0, 1, 2 * 2 * 4 * T} {
			d.AttnBudget = budget
			t.Run(fmt.Sprintf("%s/budget %d", name, budget), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(11, 12))
				tl := newTestLayer(rng, d)
				ws := checkpointOf(t, tl.tensors)
				x := randn(rng, 1, T, d.Hidden)
				cos, sin := ropeOf(T, int(d.HeadDim))
				allowed := causalWindow(0)
				base := tl.forward(x.data, cos, sin, allowed, nil)
				knocked := tl.forward(x.data, cos, sin, allowed, map[int]bool{1: true, 4: true})
				hid, hw := int(d.Hidden), int(d.Heads*d.HeadDim)
				last := func(v []float64, width int) []float64 { return v[(T-1)*width : T*width] }

				tail, err := d.TailGraph(ws, 0)
				if err != nil {
					t.Fatal(err)
				}
				heads := append(append([]float64(nil), last(base.heads, hw)...), last(knocked.heads, hw)...)
				got := runModel(t, rt, tail, map[string]tensor{
					InHeads: {shape: []int64{2, int64(hw)}, data: heads},
					InResid: {shape: []int64{1, int64(hid)}, data: last(x.data, hid)},
				}, OutAttn, OutUpdate)
				wantAttn := append(append([]float64(nil), last(base.attn, hid)...), last(knocked.attn, hid)...)
				near(t, "tail attn", got[OutAttn], wantAttn, 1e-10)
				wantUpdate := append(subtract(last(base.out, hid), last(x.data, hid)), subtract(last(knocked.out, hid), last(x.data, hid))...)
				near(t, "tail update", got[OutUpdate], wantUpdate, 1e-10)

				rec, err := d.RecomputeGraph(ws, 0)
				if err != nil {
					t.Fatal(err)
				}
				knock := make([]float64, 2*T) // group 0 empty, group 1 = {1, 4}
				knock[T+1], knock[T+4] = 1, 1
				lastRow := make([]float64, T)
				lastRow[T-1] = 1
				got = runModelBool(t, rt, rec, map[string]tensor{
					InHidden: x, InCos: {shape: []int64{T, d.HeadDim}, data: cos}, InSin: {shape: []int64{T, d.HeadDim}, data: sin},
					InMask: maskOf(0, T, allowed),
				}, map[string]tensor{
					InKnock: {shape: []int64{2, T}, data: knock}, InLastRow: {shape: []int64{T, 1}, data: lastRow},
				}, OutHeads, OutAttn, OutUpdate)
				near(t, "recompute heads", got[OutHeads], heads, 1e-10)
				near(t, "recompute attn", got[OutAttn], wantAttn, 1e-10)
				near(t, "recompute update", got[OutUpdate], wantUpdate, 1e-10)
			})
		}
	}
}

func subtract(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

// TestHeadGraph: final norm, lm_head and the logit soft cap.
func TestHeadGraph(t *testing.T) {
	rt := runtime(t)
	for _, softcap := range []float64{0, 2.5} {
		for _, kind := range []NormKind{RMSNorm, OffsetRMSNorm} {
			t.Run(fmt.Sprintf("%v/softcap %g", kind, softcap), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(13, 14))
				d := Decoder{Hidden: 8, Vocab: 5, Eps: 1e-6, Norm: kind}
				norm, lm := randn(rng, 0.5, 8), randn(rng, 1, 5, 8)
				ws := checkpointOf(t, map[string]tensor{"norm.weight": norm, "lm.weight": lm})
				g, err := d.HeadGraph(ws, Head{Norm: "norm.weight", Unembed: "lm.weight", Softcap: softcap})
				if err != nil {
					t.Fatal(err)
				}
				x := randn(rng, 3, 3, 8)
				got := runModel(t, rt, g, map[string]tensor{InHidden: x}, OutLogits)[OutLogits]
				want := refLinear(refNorm(kind, x.data, norm.data, nil, 8, 1e-6), lm.data, nil, 8, 5)
				if softcap > 0 {
					for i := range want {
						want[i] = softcap * math.Tanh(want[i]/softcap)
					}
				}
				near(t, "logits", got, want, 1e-12)
			})
		}
	}
}

// runModel runs a built float64 model.
func runModel(t *testing.T, rt runtimeT, m *graph.Model, inputs map[string]tensor, outputs ...string) map[string][]float64 {
	t.Helper()
	return runModelBool(t, rt, m, inputs, nil, outputs...)
}
