package blocks

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
)

func TestNorms(t *testing.T) {
	rt := runtime(t)
	rng := rand.New(rand.NewPCG(1, 2))
	x := randn(rng, 2, 3, 8)
	w := randn(rng, 0.5, 8)
	bias := randn(rng, 0.5, 8)
	for _, kind := range []NormKind{RMSNorm, OffsetRMSNorm, LayerNorm} {
		t.Run(kind.String(), func(t *testing.T) {
			g := New("norm", graph.Float64)
			n := Norm{Kind: kind, Weight: weight(g.B, "w", w), Bias: weight(g.B, "b", bias), Eps: 1e-5}
			g.B.Output(n.Apply(g, g.B.Input("x", graph.Float64, 3, 8)), "y")
			got := runGraph(t, rt, g.B, map[string]tensor{"x": x}, "y")["y"]
			near(t, "y", got, refNorm(kind, x.data, w.data, bias.data, 8, 1e-5), 1e-12)
		})
	}
}

func TestActivationsAndMLPs(t *testing.T) {
	rt := runtime(t)
	rng := rand.New(rand.NewPCG(3, 4))
	const in, hid, out = 6, 10, 5
	x := randn(rng, 1.5, 4, in)
	w1, w2, w3 := randn(rng, 0.4, hid, in), randn(rng, 0.4, hid, in), randn(rng, 0.4, out, hid)
	b1, b2, b3 := randn(rng, 0.1, hid), randn(rng, 0.1, hid), randn(rng, 0.1, out)
	// GELU (Erf) has no float64 kernel in ONNX Runtime: TestGELUFloat32.
	for _, act := range []Activation{SiLU, GELUTanh, QuickGELU} {
		t.Run(string(act), func(t *testing.T) {
			g := New("act", graph.Float64)
			xv := g.B.Input("x", graph.Float64, 4, in)
			g.B.Output(g.Act(act, xv), "act")
			gated := GatedMLP{Act: act, Gate: weight(g.B, "g", w1), Up: weight(g.B, "u", w2), Down: weight(g.B, "d", w3),
				GateBias: weight(g.B, "gb", b1), UpBias: weight(g.B, "ub", b2), DownBias: weight(g.B, "db", b3)}
			g.B.Output(gated.Apply(g, xv), "gated")
			dense := DenseMLP{Act: act, FC1: weight(g.B, "f1", w1), FC1Bias: weight(g.B, "f1b", b1), FC2: weight(g.B, "f2", w3), FC2Bias: weight(g.B, "f2b", b3)}
			g.B.Output(dense.Apply(g, xv), "dense")
			got := runGraph(t, rt, g.B, map[string]tensor{"x": x}, "act", "gated", "dense")

			wantAct := make([]float64, len(x.data))
			for i, v := range x.data {
				wantAct[i] = refAct(act, v)
			}
			near(t, "act", got["act"], wantAct, 1e-12)
			gate, up := refLinear(x.data, w1.data, b1.data, in, hid), refLinear(x.data, w2.data, b2.data, in, hid)
			h := make([]float64, len(gate))
			for i := range gate {
				h[i] = refAct(act, gate[i]) * up[i]
			}
			near(t, "gated", got["gated"], refLinear(h, w3.data, b3.data, hid, out), 1e-12)
			h = refLinear(x.data, w1.data, b1.data, in, hid)
			for i := range h {
				h[i] = refAct(act, h[i])
			}
			near(t, "dense", got["dense"], refLinear(h, w3.data, b3.data, hid, out), 1e-12)
		})
	}
}

func TestParseActivation(t *testing.T) {
	for name, want := range map[string]Activation{"silu": SiLU, "swish": SiLU, "gelu": GELU, "gelu_pytorch_tanh": GELUTanh, "gelu_new": GELUTanh, "quick_gelu": QuickGELU} {
		if got, err := ParseActivation(name); err != nil || got != want {
			t.Errorf("%s: %v, %v; want %v", name, got, err, want)
		}
	}
	if _, err := ParseActivation("relu6"); err == nil {
		t.Error("an unknown activation was accepted")
	}
}

// TestRopeTables checks the tables against the rotary embedding as
// transformers describes it: angle = position × inv_freq, where MRoPE picks
// each frequency's position row from its section — contiguous chunks
// (Qwen2-VL) or, interleaved (Qwen3-VL), height on frequencies 1, 4, 7, …
// below 3·section[1] and width on 2, 5, 8, … below 3·section[2].
func TestRopeTables(t *testing.T) {
	const hd = 16
	inv := RopeInvFreq(10000, hd, 0)
	pos := [3][]int64{{0, 5, 9}, {0, 2, 7}, {0, 3, 4}}
	tests := map[string]struct {
		r    RopeTables
		axis func(i int) int // which row frequency i follows
	}{
		"1-D": {RopeTables{InvFreq: inv}, func(int) int { return 0 }},
		"contiguous": {RopeTables{InvFreq: inv, Section: []int{4, 2, 2}}, func(i int) int {
			switch {
			case i < 4:
				return 0
			case i < 6:
				return 1
			}
			return 2
		}},
		"interleaved": {RopeTables{InvFreq: inv, Section: []int{4, 2, 2}, Interleaved: true}, func(i int) int {
			switch {
			case i%3 == 1 && i < 6:
				return 1
			case i%3 == 2 && i < 6:
				return 2
			}
			return 0
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cos, sin := tc.r.Tables(pos)
			for tok := 0; tok < 3; tok++ {
				for i := 0; i < hd; i++ {
					f := i % (hd / 2)
					angle := float32(pos[tc.axis(f)][tok]) * inv[f]
					wc, ws := cos32(angle), sin32(angle)
					if cos[tok*hd+i] != wc || sin[tok*hd+i] != ws {
						t.Fatalf("token %d dim %d: cos %v sin %v, want %v %v", tok, i, cos[tok*hd+i], sin[tok*hd+i], wc, ws)
					}
				}
			}
		})
	}
	scaled := RopeInvFreq(10000, hd, 8)
	for i := range inv {
		if scaled[i] != inv[i]/8 {
			t.Fatalf("linear scaling: inv_freq[%d] %v, want %v", i, scaled[i], inv[i]/8)
		}
	}
}

// TestGELUFloat32: the exact GELU in float32 (ORT has no float64 Erf), to
// float32 precision.
func TestGELUFloat32(t *testing.T) {
	rt := runtime(t)
	rng := rand.New(rand.NewPCG(5, 6))
	x := randn(rng, 2, 3, 7)
	x32 := make([]float32, len(x.data))
	for i, v := range x.data {
		x32[i] = float32(v)
	}
	g := New("gelu", graph.Float32)
	g.B.Output(g.Act(GELU, g.B.Input("x", graph.Float32, 3, 7)), "y")
	m, err := g.B.Build()
	if err != nil {
		t.Fatal(err)
	}
	s, err := rt.NewSession(m, ort.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	in, err := ort.NewTensor(rt, x.shape, x32)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	outs, err := s.Run([]ort.Named{{Name: "x", Value: in}}, []string{"y"})
	if err != nil {
		t.Fatal(err)
	}
	defer outs[0].Close()
	got, err := ort.Data[float32](outs[0])
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range x32 {
		want := refAct(GELU, float64(v))
		if d := math.Abs(float64(got[i]) - want); d > 1e-6*(1+math.Abs(want)) {
			t.Fatalf("gelu(%v) = %v, want %v", v, got[i], want)
		}
	}
}
