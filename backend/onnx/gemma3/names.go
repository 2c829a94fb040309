package gemma3

import "github.com/vlmask/vlmask/hf/safetensors"

// tensorNames are where a checkpoint keeps each part.
type tensorNames struct {
	text      string // the decoder layers, embeddings and final norm
	lmHead    string // lm_head's weight (only read when untied)
	vision    string // the SigLIP tower (vision_model)
	projector string // the multimodal projector
}

// Tensor-name layouts: transformers 4.x saves the published layout; a
// checkpoint saved from the newer module layout nests the decoder, tower
// and projector under "model." and keeps lm_head at the top.
func publishedNames() tensorNames {
	return tensorNames{
		text: "language_model.model.", lmHead: "language_model.lm_head.weight",
		vision: "vision_tower.vision_model.", projector: "multi_modal_projector.",
	}
}

func nestedNames() tensorNames {
	return tensorNames{
		text: "model.language_model.", lmHead: "lm_head.weight",
		vision: "model.vision_tower.vision_model.", projector: "model.multi_modal_projector.",
	}
}

// probe returns the layout set uses, by its embedding table.
func probe(set *safetensors.Set) tensorNames {
	if n := nestedNames(); set.Has(n.text + "embed_tokens.weight") {
		return n
	}
	return publishedNames()
}
