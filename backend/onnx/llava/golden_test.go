package llava

import (
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/internal/goldenmodel"
)

// goldenPattern is the glob of this family's golden cases.
const goldenPattern = "llava_*"

// loadDir loads the checkpoint in dir, closed when the test ends.
func loadDir(t *testing.T, rt *ort.Runtime, dir string, opts decoder.Options) *decoder.Model {
	t.Helper()
	m, err := loadDirErr(rt, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func loadDirErr(rt *ort.Runtime, dir string, opts decoder.Options) (*decoder.Model, error) {
	cfg, err := checkpoint.Load(dir)
	if err != nil {
		return nil, err
	}
	return Load(rt, cfg, opts)
}

func TestGoldenForward(t *testing.T) {
	rt := orttest.Runtime(t)
	for _, dev := range goldenmodel.Devices() {
		for _, c := range golden.Cases(t, goldenPattern) {
			t.Run(dev.String()+"/"+c.Name, func(t *testing.T) {
				m := loadDir(t, rt, c.Checkpoint(), decoder.Options{Session: ort.SessionOptions{Device: dev}})
				goldenmodel.CheckForward(t, m, c)
			})
		}
	}
}

func TestGoldenForwardFloat64(t *testing.T) {
	rt := orttest.Runtime(t)
	for _, c := range golden.Cases(t, goldenPattern) {
		t.Run(c.Name, func(t *testing.T) {
			m := loadDir(t, rt, c.Checkpoint(), decoder.Options{DType: graph.Float64})
			goldenmodel.CheckFloat64Logits(t, m, c, 2e-6)
		})
	}
}

// TestGoldenKnockout compares the complete knockout table of every case,
// fast and recompute, with the reference.
func TestGoldenKnockout(t *testing.T) {
	rt := orttest.Runtime(t)
	for _, dev := range goldenmodel.Devices() {
		for _, c := range golden.Cases(t, goldenPattern) {
			cfg, err := checkpoint.Load(c.Checkpoint())
			if err != nil {
				t.Fatal(err)
			}
			m := loadDir(t, rt, c.Checkpoint(), decoder.Options{Recompute: true, Session: ort.SessionOptions{Device: dev}})
			for _, method := range []core.Method{core.MethodFast, core.MethodRecompute} {
				t.Run(dev.String()+"/"+c.Name+"/"+string(method), func(t *testing.T) {
					goldenmodel.CheckKnockout(t, m, c, method, cfg.StopTokenIDs())
				})
			}
		}
	}
}

// TestGoldenHalfPrecision checks a bfloat16 copy of every case against the
// reference under the tolerance rule scaled by bfloat16's epsilon
// (golden.BFloat16Ratio): on the CPU the bfloat16 weights stay half-size
// and are cast to float32 per use (--weights-dtype checkpoint); on CUDA
// (VLMASK_TEST_CUDA=1) the matrix products run in bfloat16.
func TestGoldenHalfPrecision(t *testing.T) {
	rt := orttest.Runtime(t)
	for _, dev := range goldenmodel.Devices() {
		opts := decoder.Options{KeepHalfWeights: true, Recompute: true}
		if dev.Kind != ort.CPU {
			opts = decoder.Options{Session: ort.SessionOptions{Device: dev}, MatMul: graph.BFloat16, Recompute: true}
		}
		for _, c := range golden.Cases(t, goldenPattern) {
			t.Run(dev.String()+"/"+c.Name, func(t *testing.T) {
				dir := goldenmodel.BFloat16Copy(t, c)
				m := loadDir(t, rt, dir, opts)
				goldenmodel.CheckForwardScaled(t, m, c, golden.BFloat16Ratio)
				cfg, err := checkpoint.Load(dir)
				if err != nil {
					t.Fatal(err)
				}
				for _, method := range []core.Method{core.MethodFast, core.MethodRecompute} {
					goldenmodel.CheckKnockoutScaled(t, m, c, method, cfg.StopTokenIDs(), golden.BFloat16Ratio)
				}
			})
		}
	}
}
