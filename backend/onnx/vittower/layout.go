package vittower

import "github.com/vlmask/vlmask/hf/safetensors"

// Names are where a checkpoint of a ...ForConditionalGeneration model with
// a vision_tower and a multi_modal_projector (LLaVA, Gemma 3) keeps each
// part: transformers 4.x saves the published layout; a checkpoint saved
// from the newer module layout nests the decoder, tower and projector
// under "model." and keeps lm_head at the top.
type Names struct {
	Text      string // the decoder layers, embeddings and final norm
	LMHead    string // lm_head's weight (read only when untied)
	Vision    string // the vision tower (vision_model)
	Projector string // the multimodal projector
}

// PublishedNames is the layout transformers 4.x saves.
func PublishedNames() Names {
	return Names{
		Text: "language_model.model.", LMHead: "language_model.lm_head.weight",
		Vision: "vision_tower.vision_model.", Projector: "multi_modal_projector.",
	}
}

// NestedNames is the newer module layout.
func NestedNames() Names {
	return Names{
		Text: "model.language_model.", LMHead: "lm_head.weight",
		Vision: "model.vision_tower.vision_model.", Projector: "model.multi_modal_projector.",
	}
}

// ProbeNames returns the layout set uses, by its embedding table.
func ProbeNames(set *safetensors.Set) Names {
	if n := NestedNames(); set.Has(n.Text + "embed_tokens.weight") {
		return n
	}
	return PublishedNames()
}
