package gemma3

import (
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/internal/familytest"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// tinyCheckpoint writes a generated tiny Gemma 3 checkpoint (the golden
// shapes) with config.json's top-level keys edited (nil deletes one).
func tinyCheckpoint(t *testing.T, seed uint64, edits map[string]any) string {
	t.Helper()
	return familytest.TinyCheckpoint(t, testmodel.FamilyGemma3, seed, edits)
}

// loadConfigDir loads dir's config and model, closed when the test ends.
func loadConfigDir(t *testing.T, rt *ort.Runtime, dir string, opts decoder.Options) (*checkpoint.Config, *decoder.Model) {
	t.Helper()
	return family().LoadConfigDir(t, rt, dir, opts)
}
