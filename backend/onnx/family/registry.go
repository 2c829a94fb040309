package family

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/gemma3"
	"github.com/vlmask/vlmask/backend/onnx/llava"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/qwen2vl"
	"github.com/vlmask/vlmask/backend/onnx/qwen3vl"
	"github.com/vlmask/vlmask/hf/checkpoint"
)

// Family is one model family the ONNX backend runs.
type Family struct {
	// Name is the family's name in messages.
	Name string
	// ModelTypes are the config.json model_type values it runs.
	ModelTypes []checkpoint.Family
	// Load builds a checkpoint's sessions.
	Load func(rt *ort.Runtime, cfg *checkpoint.Config, opts decoder.Options) (*decoder.Model, error)
}

// All lists the families, one line each.
func All() []Family {
	return []Family{
		{Name: "Qwen3-VL / Qwen3", ModelTypes: qwen3vl.ModelTypes(), Load: qwen3vl.Load},
		{Name: "Qwen2-VL / Qwen2.5-VL", ModelTypes: qwen2vl.ModelTypes(), Load: qwen2vl.Load},
		{Name: "LLaVA-1.5", ModelTypes: llava.ModelTypes(), Load: llava.Load},
		{Name: "Gemma 3", ModelTypes: gemma3.ModelTypes(), Load: gemma3.Load},
	}
}

// ModelTypes lists every model_type some family runs.
func ModelTypes() []checkpoint.Family {
	var out []checkpoint.Family
	for _, f := range All() {
		out = append(out, f.ModelTypes...)
	}
	return out
}

// For returns the family that runs cfg's model_type, or an error wrapping
// decoder.ErrUnsupported that lists the model types there are.
func For(cfg *checkpoint.Config) (Family, error) {
	for _, f := range All() {
		if slices.Contains(f.ModelTypes, cfg.Family) {
			return f, nil
		}
	}
	var names []string
	for _, t := range ModelTypes() {
		names = append(names, string(t))
	}
	return Family{}, fmt.Errorf("%s: model_type %q is not supported by the ONNX backend yet (supported: %s): %w",
		cfg.Dir, cfg.ModelType, strings.Join(names, ", "), decoder.ErrUnsupported)
}

// Load builds the sessions of the checkpoint cfg describes with its
// family's package.
func Load(rt *ort.Runtime, cfg *checkpoint.Config, opts decoder.Options) (*decoder.Model, error) {
	f, err := For(cfg)
	if err != nil {
		return nil, err
	}
	return f.Load(rt, cfg, opts)
}

// LoadDir reads the checkpoint configuration in dir and loads it with its
// family's package.
func LoadDir(rt *ort.Runtime, dir string, opts decoder.Options) (*decoder.Model, error) {
	cfg, err := checkpoint.Load(dir)
	if err != nil {
		return nil, err
	}
	return Load(rt, cfg, opts)
}
