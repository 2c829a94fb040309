package qwen3vl

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

// family is this family's golden cases (Qwen3-VL and Qwen3 text) and
// loader.
func family() goldenmodel.Family {
	return goldenmodel.Family{Patterns: []string{"qwen3_*"}, Load: Load}
}

// loadDir loads the checkpoint in dir, closed when the test ends.
func loadDir(t *testing.T, rt *ort.Runtime, dir string, opts decoder.Options) *decoder.Model {
	t.Helper()
	return family().LoadDir(t, rt, dir, opts)
}

func loadDirErr(rt *ort.Runtime, dir string, opts decoder.Options) (*decoder.Model, error) {
	return family().LoadDirErr(rt, dir, opts)
}

func TestGoldenForward(t *testing.T) { family().TestForward(t) }

func TestGoldenForwardFloat64(t *testing.T) {
	family().TestForwardFloat64(t, 2e-6, golden.Cases(t, "qwen3_vl_basic")...)
}

// TestGoldenKnockout compares the complete knockout table of every Qwen3
// case, fast and recompute, with the reference.
func TestGoldenKnockout(t *testing.T) { family().TestKnockout(t) }

// TestGoldenHalfPrecision checks half-precision weights and products
// against the reference under the tolerance rule scaled by the format's
// epsilon (golden.BFloat16Ratio, golden.Float16Ratio): the bfloat16
// checkpoint qwen3_vl_resize and a bfloat16 copy of qwen3_vl_basic. On the
// CPU the bfloat16 weights stay half-size and are cast to float32 per use
// (--weights-dtype checkpoint); on CUDA (VLMASK_TEST_CUDA=1) the matrix
// products run in bfloat16 and in float16.
func TestGoldenHalfPrecision(t *testing.T) {
	rt := orttest.Runtime(t)
	resize := golden.Cases(t, "qwen3_vl_resize")[0]
	basic := golden.Cases(t, "qwen3_vl_basic")[0]
	cases := []struct {
		name string
		c    golden.Case
		dir  string
	}{
		{"qwen3_vl_resize", resize, resize.Checkpoint()},
		{"qwen3_vl_basic_bf16", basic, goldenmodel.BFloat16Copy(t, basic)},
	}
	type mode struct {
		name  string
		opts  decoder.Options
		ratio float64
	}
	var modes []mode
	for _, dev := range goldenmodel.Devices() {
		if dev.Kind == ort.CPU {
			modes = append(modes, mode{"cpu/bf16 weights", decoder.Options{KeepHalfWeights: true}, golden.BFloat16Ratio})
			continue
		}
		so := ort.SessionOptions{Device: dev}
		modes = append(modes,
			mode{dev.String() + "/bf16 products", decoder.Options{Session: so, MatMul: graph.BFloat16}, golden.BFloat16Ratio},
			mode{dev.String() + "/f16 products", decoder.Options{Session: so, MatMul: graph.Float16}, golden.Float16Ratio})
	}
	for _, md := range modes {
		for _, tc := range cases {
			t.Run(md.name+"/"+tc.name, func(t *testing.T) {
				opts := md.opts
				opts.Recompute = true
				m := loadDir(t, rt, tc.dir, opts)
				goldenmodel.CheckForwardScaled(t, m, tc.c, md.ratio)
				cfg, err := checkpoint.Load(tc.dir)
				if err != nil {
					t.Fatal(err)
				}
				for _, method := range []core.Method{core.MethodFast, core.MethodRecompute} {
					goldenmodel.CheckKnockoutScaled(t, m, tc.c, method, cfg.StopTokenIDs(), md.ratio)
				}
			})
		}
	}
}
