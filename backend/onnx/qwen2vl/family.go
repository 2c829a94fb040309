package qwen2vl

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// ModelTypes are the config.json model_type values this family runs.
func ModelTypes() []checkpoint.Family {
	return []checkpoint.Family{checkpoint.Qwen2VL, checkpoint.Qwen25VL}
}

// Load reads the checkpoint cfg describes and builds its sessions.
func Load(rt *ort.Runtime, cfg *checkpoint.Config, opts decoder.Options) (*decoder.Model, error) {
	return decoder.LoadCheckpoint(rt, cfg, opts, ModelTypes(), NewSpec)
}

// Tensor-name layouts. transformers 4.x saves these models with the
// decoder under "model." and the tower under "visual."; checkpoints saved
// from the newer module layout put them under "model.language_model." and
// "model.visual.". set decides which one a checkpoint uses.
const (
	legacyTextPrefix   = "model."
	legacyVisionPrefix = "visual."
	nestedTextPrefix   = "model.language_model."
	nestedVisionPrefix = "model.visual."
)

// prefixes returns the decoder's and the vision tower's tensor prefixes.
func prefixes(set *safetensors.Set) (text, vision string) {
	text, vision = legacyTextPrefix, legacyVisionPrefix
	if set.Has(nestedTextPrefix + "embed_tokens.weight") {
		text = nestedTextPrefix
	}
	if set.Has(nestedVisionPrefix + patchEmbed) {
		vision = nestedVisionPrefix
	}
	return text, vision
}

// NewSpec describes a Qwen2-VL or Qwen2.5-VL checkpoint to the decoder
// runtime. A checkpoint saved without its vision tower (vlmask testmodel
// can write one for text benchmarks) runs text-only, and an image then gets
// an error naming the missing tensor.
func NewSpec(cfg *checkpoint.Config, set *safetensors.Set) (decoder.Spec, error) {
	tc := cfg.Text
	act, err := blocks.ParseActivation(tc.HiddenAct)
	if err != nil {
		return decoder.Spec{}, fmt.Errorf("hidden_act: %w: %w", err, decoder.ErrUnsupported)
	}
	if tc.RopeType != "default" {
		return decoder.Spec{}, fmt.Errorf("rope_type %q: only the default (MRoPE) is supported: %w", tc.RopeType, decoder.ErrUnsupported)
	}
	prefix, visionPrefix := prefixes(set)
	spec := decoder.Spec{
		Family: string(cfg.Family),
		Decoder: blocks.Decoder{
			Hidden: int64(tc.HiddenSize), Heads: int64(tc.NumHeads), KVHeads: int64(tc.NumKVHeads),
			HeadDim: int64(tc.HeadDim), Inter: int64(tc.IntermediateSize), Vocab: int64(tc.VocabSize),
			Eps: tc.RMSNormEps, Norm: blocks.RMSNorm, QKNorm: tc.QKNorm, QKVBias: tc.AttentionBias, OBias: tc.OProjBias,
			Act: act, Prefix: prefix, Names: blocks.LlamaNames(),
		},
		Ropes: []blocks.RopeTables{{
			InvFreq: blocks.RopeInvFreq(tc.RopeTheta, tc.HeadDim, 0),
			Section: tc.MRopeSection, Interleaved: tc.MRopeInterleaved,
		}},
		Embedding:    prefix + "embed_tokens.weight",
		Head:         blocks.Head{Norm: prefix + "norm.weight", Unembed: "lm_head.weight"},
		ImageTokenID: cfg.ImageTokenID,
	}
	if cfg.TieWordEmbeddings {
		spec.Head.Unembed = spec.Embedding
	}
	spec.Layers = make([]decoder.Layer, tc.NumLayers)
	for l := range spec.Layers {
		if l < len(tc.LayerTypes) && tc.LayerTypes[l] == "sliding_attention" {
			spec.Layers[l].Window = tc.SlidingWindow
		}
	}
	if !set.Has(visionPrefix + patchEmbed) {
		spec.NoVisionReason = fmt.Sprintf("this checkpoint has no vision tower (no tensor %s)", visionPrefix+patchEmbed)
		return spec, nil
	}
	v, err := newTower(cfg, visionPrefix)
	if err != nil {
		return decoder.Spec{}, err
	}
	spec.Vision = v
	return spec, nil
}
