package goldenmodel

import (
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/internal/golden"
)

// Loader loads a family's checkpoint (its package's Load).
type Loader func(rt *ort.Runtime, cfg *checkpoint.Config, opts decoder.Options) (*decoder.Model, error)

// Family is what the golden checks need of a model family: the glob
// patterns of its golden cases and its loader. Its Test methods are the
// golden tests every family runs the same way.
type Family struct {
	Patterns []string
	Load     Loader
}

// Cases lists every golden case of the family.
func (f Family) Cases(t testing.TB) []golden.Case {
	t.Helper()
	var out []golden.Case
	for _, p := range f.Patterns {
		out = append(out, golden.Cases(t, p)...)
	}
	return out
}

// LoadDirErr loads the checkpoint in dir.
func (f Family) LoadDirErr(rt *ort.Runtime, dir string, opts decoder.Options) (*decoder.Model, error) {
	cfg, err := checkpoint.Load(dir)
	if err != nil {
		return nil, err
	}
	return f.Load(rt, cfg, opts)
}

// LoadDir loads the checkpoint in dir, closed when the test ends.
func (f Family) LoadDir(t testing.TB, rt *ort.Runtime, dir string, opts decoder.Options) *decoder.Model {
	t.Helper()
	m, err := f.LoadDirErr(rt, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// LoadConfigDir loads dir's config and model, the model closed when the
// test ends.
func (f Family) LoadConfigDir(t testing.TB, rt *ort.Runtime, dir string, opts decoder.Options) (*checkpoint.Config, *decoder.Model) {
	t.Helper()
	cfg, err := checkpoint.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.Load(rt, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return cfg, m
}

// TestForward checks every case's forward pass and generation
// (CheckForward) on every test device.
func (f Family) TestForward(t *testing.T) {
	rt := orttest.Runtime(t)
	for _, dev := range Devices() {
		for _, c := range f.Cases(t) {
			t.Run(dev.String()+"/"+c.Name, func(t *testing.T) {
				m := f.LoadDir(t, rt, c.Checkpoint(), decoder.Options{Session: ort.SessionOptions{Device: dev}})
				CheckForward(t, m, c)
			})
		}
	}
}

// TestForwardFloat64 checks the float64 logits of cases (every case of the
// family when none are given) within limit (CheckFloat64Logits).
func (f Family) TestForwardFloat64(t *testing.T, limit float64, cases ...golden.Case) {
	rt := orttest.Runtime(t)
	if len(cases) == 0 {
		cases = f.Cases(t)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			m := f.LoadDir(t, rt, c.Checkpoint(), decoder.Options{DType: graph.Float64})
			CheckFloat64Logits(t, m, c, limit)
		})
	}
}

// TestKnockout compares the complete knockout table of every case, fast
// and recompute, with the reference, on every test device.
func (f Family) TestKnockout(t *testing.T) {
	rt := orttest.Runtime(t)
	for _, dev := range Devices() {
		for _, c := range f.Cases(t) {
			cfg, err := checkpoint.Load(c.Checkpoint())
			if err != nil {
				t.Fatal(err)
			}
			m := f.LoadDir(t, rt, c.Checkpoint(), decoder.Options{Recompute: true, Session: ort.SessionOptions{Device: dev}})
			for _, method := range []core.Method{core.MethodFast, core.MethodRecompute} {
				t.Run(dev.String()+"/"+c.Name+"/"+string(method), func(t *testing.T) {
					CheckKnockout(t, m, c, method, cfg.StopTokenIDs())
				})
			}
		}
	}
}

// TestHalfPrecision checks a bfloat16 copy of every case against the
// reference under the tolerance rule scaled by bfloat16's epsilon
// (golden.BFloat16Ratio): on the CPU the bfloat16 weights stay half-size
// and are cast to float32 per use (--weights-dtype checkpoint); on CUDA
// (VLMASK_TEST_CUDA=1) the matrix products run in bfloat16.
func (f Family) TestHalfPrecision(t *testing.T) {
	rt := orttest.Runtime(t)
	for _, dev := range Devices() {
		opts := decoder.Options{KeepHalfWeights: true, Recompute: true}
		if dev.Kind != ort.CPU {
			opts = decoder.Options{Session: ort.SessionOptions{Device: dev}, MatMul: graph.BFloat16, Recompute: true}
		}
		for _, c := range f.Cases(t) {
			t.Run(dev.String()+"/"+c.Name, func(t *testing.T) {
				dir := BFloat16Copy(t, c)
				m := f.LoadDir(t, rt, dir, opts)
				CheckForwardScaled(t, m, c, golden.BFloat16Ratio)
				cfg, err := checkpoint.Load(dir)
				if err != nil {
					t.Fatal(err)
				}
				for _, method := range []core.Method{core.MethodFast, core.MethodRecompute} {
					CheckKnockoutScaled(t, m, c, method, cfg.StopTokenIDs(), golden.BFloat16Ratio)
				}
			})
		}
	}
}
