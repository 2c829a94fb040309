package qwen3vl

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
	return []checkpoint.Family{checkpoint.Qwen3VL, checkpoint.Qwen3}
}

// Load reads the checkpoint cfg describes and builds its sessions.
func Load(rt *ort.Runtime, cfg *checkpoint.Config, opts decoder.Options) (*decoder.Model, error) {
	return decoder.LoadCheckpoint(rt, cfg, opts, ModelTypes(), func(cfg *checkpoint.Config, set *safetensors.Set) (decoder.Spec, error) {
		return NewSpec(cfg, set), nil
	})
}

// NewSpec describes a Qwen3-VL or Qwen3 checkpoint to the decoder runtime.
// set tells whether a Qwen3-VL checkpoint carries its vision tower: one
// saved without it (vlmask testmodel can write one for text benchmarks)
// runs text-only, and an image then gets an error naming the missing
// tensor.
func NewSpec(cfg *checkpoint.Config, set *safetensors.Set) decoder.Spec {
	tc := cfg.Text
	prefix := "model."
	if cfg.Family == checkpoint.Qwen3VL {
		prefix = "model.language_model."
	}
	spec := decoder.Spec{
		Family: string(cfg.Family),
		Decoder: blocks.Decoder{
			Hidden: int64(tc.HiddenSize), Heads: int64(tc.NumHeads), KVHeads: int64(tc.NumKVHeads),
			HeadDim: int64(tc.HeadDim), Inter: int64(tc.IntermediateSize), Vocab: int64(tc.VocabSize),
			Eps: tc.RMSNormEps, Norm: blocks.RMSNorm, QKNorm: tc.QKNorm, QKVBias: tc.AttentionBias, OBias: tc.OProjBias,
			Act: blocks.SiLU, Prefix: prefix, Names: blocks.LlamaNames(),
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
	if cfg.Family == checkpoint.Qwen3VL {
		if set.Has(visionProbeTensor) {
			spec.Vision = newTower(cfg.Vision)
		} else {
			spec.NoVisionReason = fmt.Sprintf("this checkpoint has no vision tower (no tensor %s)", visionProbeTensor)
		}
	}
	return spec
}
