package checkpoint

import "slices"

// Family is a config.json model_type this package loads.
type Family string

// The supported families.
const (
	Qwen3VL  Family = "qwen3_vl"
	Qwen25VL Family = "qwen2_5_vl"
	Qwen2VL  Family = "qwen2_vl"
	Qwen3    Family = "qwen3"
	Qwen2    Family = "qwen2"
	// Llava is LLaVA-1.5 (LlavaForConditionalGeneration): a CLIP vision
	// tower, a two-layer projector and a Llama decoder.
	Llava Family = "llava"
	// Gemma3 is Gemma 3 (Gemma3ForConditionalGeneration): a SigLIP vision
	// tower, an average-pooling projector and a Gemma 3 decoder.
	Gemma3 Family = "gemma3"
)

// Families lists the supported families.
func Families() []Family { return []Family{Qwen3VL, Qwen25VL, Qwen2VL, Qwen3, Qwen2, Llava, Gemma3} }

// Supported reports whether f is one of Families.
func (f Family) Supported() bool { return slices.Contains(Families(), f) }

// HasVision reports whether the family is a vision-language model with a
// vision tower, whose checkpoints take images.
func (f Family) HasVision() bool { return f.UsesMRoPE() || f == Llava || f == Gemma3 }

// UsesMRoPE reports whether the family's decoder takes 3-D (temporal,
// height, width) MRoPE position ids: the Qwen vision-language families.
// The others use plain 1-D positions.
func (f Family) UsesMRoPE() bool { return f == Qwen3VL || f == Qwen25VL || f == Qwen2VL }

// isQwen3 reports whether the family uses the Qwen3 decoder layer (q_norm
// and k_norm, attention_bias for every projection).
func (f Family) isQwen3() bool { return f == Qwen3VL || f == Qwen3 }
