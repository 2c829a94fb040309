package qwen2vl

import (
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/internal/goldenmodel"
)

// family is this family's golden cases (Qwen2-VL and Qwen2.5-VL) and
// loader.
func family() goldenmodel.Family {
	return goldenmodel.Family{Patterns: []string{"qwen2_vl_*", "qwen2_5_vl_*"}, Load: Load}
}

// cases lists every golden case of the family.
func cases(t *testing.T) []golden.Case {
	t.Helper()
	return family().Cases(t)
}

// loadDir loads the checkpoint in dir, closed when the test ends.
func loadDir(t *testing.T, rt *ort.Runtime, dir string, opts decoder.Options) *decoder.Model {
	t.Helper()
	return family().LoadDir(t, rt, dir, opts)
}

func loadDirErr(rt *ort.Runtime, dir string, opts decoder.Options) (*decoder.Model, error) {
	return family().LoadDirErr(rt, dir, opts)
}

func TestGoldenForward(t *testing.T)        { family().TestForward(t) }
func TestGoldenForwardFloat64(t *testing.T) { family().TestForwardFloat64(t, 2e-6) }
func TestGoldenKnockout(t *testing.T)       { family().TestKnockout(t) }
