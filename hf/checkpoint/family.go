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
)

// Families lists the supported families.
func Families() []Family { return []Family{Qwen3VL, Qwen25VL, Qwen2VL, Qwen3, Qwen2} }

// Supported reports whether f is one of Families.
func (f Family) Supported() bool { return slices.Contains(Families(), f) }

// HasVision reports whether the family is a vision-language model with a
// vision tower and mRoPE.
func (f Family) HasVision() bool { return f == Qwen3VL || f == Qwen25VL || f == Qwen2VL }

// isQwen3 reports whether the family uses the Qwen3 decoder layer (q_norm
// and k_norm, attention_bias for every projection).
func (f Family) isQwen3() bool { return f == Qwen3VL || f == Qwen3 }
