package decoder

import (
	"fmt"
	"slices"

	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// SpecFunc describes a family's checkpoint to the runtime, from its config
// and its tensors.
type SpecFunc func(cfg *checkpoint.Config, set *safetensors.Set) (Spec, error)

// LoadCheckpoint is a family's Load: it refuses a model_type outside
// types, opens the checkpoint's tensors, describes them with newSpec and
// builds the model's sessions. The model owns the tensors from then on.
func LoadCheckpoint(rt *ort.Runtime, cfg *checkpoint.Config, opts Options, types []checkpoint.Family, newSpec SpecFunc) (*Model, error) {
	if !slices.Contains(types, cfg.Family) {
		return nil, fmt.Errorf("load %s: model_type %q: this family runs %v: %w", cfg.Dir, cfg.ModelType, types, ErrUnsupported)
	}
	set, err := safetensors.OpenDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	spec, err := newSpec(cfg, set)
	if err != nil {
		set.Close()
		return nil, fmt.Errorf("load %s: %w", cfg.Dir, err)
	}
	m, err := Load(rt, set, spec, opts)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", cfg.Dir, err)
	}
	return m, nil
}
