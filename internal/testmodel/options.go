package testmodel

import (
	"fmt"
	"slices"
)

// Families, presets and dtypes that Options accepts.
const (
	// FamilyQwen3VL is a Qwen3-VL vision-language model
	// (Qwen3VLForConditionalGeneration).
	FamilyQwen3VL = "qwen3_vl"
	// FamilyQwen3 is a Qwen3 text model (Qwen3ForCausalLM): the same
	// decoder without a vision tower, with plain RoPE and tied embeddings.
	FamilyQwen3 = "qwen3"
	// FamilyQwen2VL is a Qwen2-VL vision-language model
	// (Qwen2VLForConditionalGeneration).
	FamilyQwen2VL = "qwen2_vl"
	// FamilyQwen25VL is a Qwen2.5-VL vision-language model
	// (Qwen2_5_VLForConditionalGeneration), with window attention in its
	// vision tower.
	FamilyQwen25VL = "qwen2_5_vl"
	// FamilyLlava is a LLaVA-1.5 vision-language model
	// (LlavaForConditionalGeneration): a CLIP tower, a two-layer projector
	// and a Llama decoder.
	FamilyLlava = "llava"
	// FamilyGemma3 is a Gemma 3 vision-language model
	// (Gemma3ForConditionalGeneration): a SigLIP tower, an average-pooling
	// projector and a Gemma 3 decoder with sliding-window layers.
	FamilyGemma3 = "gemma3"

	// PresetTiny is the golden checkpoints' tiny shape: hidden 64, 4
	// layers (vocabulary 512 for the Qwen families, 576 for LLaVA and
	// Gemma 3); generating it takes milliseconds.
	PresetTiny = "tiny"
	// Preset2B is the real Qwen3-VL-2B-Instruct shape (about 2.1 billion
	// parameters with the vision tower), or Qwen2-VL-2B-Instruct's.
	Preset2B = "2b"
	// Preset3B is the real Qwen2.5-VL-3B-Instruct shape.
	Preset3B = "3b"
	// Preset4B is the real Gemma-3-4B shape.
	Preset4B = "4b"
	// Preset7B is the real Qwen2-VL-7B-Instruct, Qwen2.5-VL-7B-Instruct or
	// LLaVA-1.5-7B shape.
	Preset7B = "7b"
	// Preset8B is the real Qwen3-VL-8B-Instruct shape (about 8.8 billion
	// parameters with the vision tower).
	Preset8B = "8b"

	// DTypeFloat32 and DTypeBFloat16 are the safetensors dtypes Generate
	// writes (F32 and BF16), spelled as config.json's "dtype".
	DTypeFloat32  = "float32"
	DTypeBFloat16 = "bfloat16"
)

// maxLayers bounds Options.Layers; more layers than this is a typo, not a
// test model.
const maxLayers = 1024

// Options selects what Generate writes. The zero value is the tiny qwen3_vl
// model with seed 0 in float32.
type Options struct {
	// Family is FamilyQwen3VL (the default when empty), FamilyQwen3,
	// FamilyQwen2VL, FamilyQwen25VL, FamilyLlava or FamilyGemma3.
	Family string
	// Preset is PresetTiny (the default when empty) or one of the family's
	// real shapes (PresetsFor).
	Preset string
	// Seed selects the random weights; the tokenizer does not depend on it.
	Seed uint64
	// Layers, when positive, replaces the preset's number of decoder
	// layers (benchmarks use a few layers of the 2B shape). Qwen3-VL's
	// deepstack_visual_indexes keeps only its first Layers entries when it
	// has more, since a decoder takes at most one DeepStack feature per
	// layer.
	Layers int
	// VisionLayers, when positive, replaces the preset's number of vision
	// tower blocks (memory benchmarks: a block's transient memory does
	// not depend on the depth). Qwen3-VL's deepstack_visual_indexes and
	// Qwen2.5-VL's fullatt_block_indexes keep only the blocks that remain.
	VisionLayers int
	// Vision says whether the vision tower's weights (model.visual.*,
	// visual.* for the Qwen2 families, vision_tower.* and
	// multi_modal_projector.* for LLaVA and Gemma 3) are written; nil means the family's
	// default (true for the vision-language families, false for qwen3). A
	// checkpoint without them keeps its vision_config and preprocessor
	// files, so text-only prompts still work; images need the tower. qwen3
	// has no vision tower at all.
	Vision *bool
	// DType is DTypeFloat32 (the default when empty) or DTypeBFloat16.
	DType string
}

// Presets lists every preset name; each family takes some of them
// (PresetsFor).
func Presets() []string {
	return []string{PresetTiny, Preset2B, Preset3B, Preset4B, Preset7B, Preset8B}
}

// PresetsFor lists the preset names Options.Preset accepts for a family:
// tiny and the real shapes whose configurations are known.
func PresetsFor(family string) []string {
	switch family {
	case FamilyQwen2VL:
		return []string{PresetTiny, Preset2B, Preset7B}
	case FamilyQwen25VL:
		return []string{PresetTiny, Preset3B, Preset7B}
	case FamilyLlava:
		return []string{PresetTiny, Preset7B}
	case FamilyGemma3:
		return []string{PresetTiny, Preset4B}
	}
	return []string{PresetTiny, Preset2B, Preset8B}
}

// Families lists the family names Options.Family accepts.
func Families() []string {
	return []string{FamilyQwen3VL, FamilyQwen3, FamilyQwen2VL, FamilyQwen25VL, FamilyLlava, FamilyGemma3}
}

// hasVision says whether a family is a vision-language model.
func hasVision(family string) bool { return family != FamilyQwen3 }

// DTypes lists the dtype names Options.DType accepts.
func DTypes() []string { return []string{DTypeFloat32, DTypeBFloat16} }

// resolved is Options with every default applied and checked.
type resolved struct {
	family, preset, dtype string
	seed                  uint64
	layers                int // 0: the preset's
	visionLayers          int // 0: the preset's
	vision                bool
}

// resolve applies the defaults and checks the options.
func (o Options) resolve() (resolved, error) {
	r := resolved{family: o.Family, preset: o.Preset, dtype: o.DType, seed: o.Seed, layers: o.Layers, visionLayers: o.VisionLayers}
	if r.family == "" {
		r.family = FamilyQwen3VL
	}
	if r.preset == "" {
		r.preset = PresetTiny
	}
	if r.dtype == "" {
		r.dtype = DTypeFloat32
	}
	if !slices.Contains(Families(), r.family) {
		return r, fmt.Errorf("family %q: want one of %q: %w", r.family, Families(), ErrInvalidOptions)
	}
	if !slices.Contains(PresetsFor(r.family), r.preset) {
		return r, fmt.Errorf("preset %q of family %s: want one of %q: %w", r.preset, r.family, PresetsFor(r.family), ErrInvalidOptions)
	}
	if !slices.Contains(DTypes(), r.dtype) {
		return r, fmt.Errorf("dtype %q: want one of %q: %w", r.dtype, DTypes(), ErrInvalidOptions)
	}
	if r.layers < 0 || r.layers > maxLayers {
		return r, fmt.Errorf("layers %d: want 0 (the preset's) or 1..%d: %w", r.layers, maxLayers, ErrInvalidOptions)
	}
	if r.visionLayers < 0 || r.visionLayers > maxLayers {
		return r, fmt.Errorf("vision layers %d: want 0 (the preset's) or 1..%d: %w", r.visionLayers, maxLayers, ErrInvalidOptions)
	}
	r.vision = hasVision(r.family)
	if o.Vision != nil {
		r.vision = *o.Vision
	}
	if r.vision && !hasVision(r.family) {
		return r, fmt.Errorf("family %q has no vision tower: %w", r.family, ErrInvalidOptions)
	}
	return r, nil
}
