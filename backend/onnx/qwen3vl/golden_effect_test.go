package qwen3vl

import (
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/internal/goldenmodel"
)

// TestGoldenEffect compares the complete propagated-knockout tables of the
// three cases that carry one (windows 1 and 3, every step, start layer and
// position) with the reference, by the fast path and by the brute force,
// and the two methods with each other.
func TestGoldenEffect(t *testing.T) {
	rt := orttest.Runtime(t)
	for _, dev := range goldenmodel.Devices() {
		for _, name := range []string{"qwen3_vl_basic", "qwen3_vl_textonly", "qwen3_text"} {
			c := golden.Cases(t, name)[0]
			t.Run(dev.String()+"/"+c.Name, func(t *testing.T) {
				cfg, err := checkpoint.Load(c.Checkpoint())
				if err != nil {
					t.Fatal(err)
				}
				m := loadDir(t, rt, c.Checkpoint(), decoder.Options{Propagate: true, Recompute: true, Session: ort.SessionOptions{Device: dev}})
				f := goldenmodel.CheckEffect(t, m, c, core.MethodFast, cfg.StopTokenIDs())
				b := goldenmodel.CheckEffect(t, m, c, core.MethodRecompute, cfg.StopTokenIDs())
				goldenmodel.CompareEffectMethods(t, f, b, c.Tolerance(t).Effect)
			})
		}
	}
}
