package llava

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/vittower"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// ModelTypes are the config.json model_type values this family runs.
func ModelTypes() []checkpoint.Family { return []checkpoint.Family{checkpoint.Llava} }

// Load reads the checkpoint cfg describes and builds its sessions.
func Load(rt *ort.Runtime, cfg *checkpoint.Config, opts decoder.Options) (*decoder.Model, error) {
	return decoder.LoadCheckpoint(rt, cfg, opts, ModelTypes(), NewSpec)
}

// NewSpec describes a LLaVA checkpoint to the decoder runtime. A
// checkpoint saved without its vision tower runs text-only, and an image
// then gets an error naming the missing tensor.
func NewSpec(cfg *checkpoint.Config, set *safetensors.Set) (decoder.Spec, error) {
	tc := cfg.Text
	act, err := blocks.ParseActivation(tc.HiddenAct)
	if err != nil {
		return decoder.Spec{}, fmt.Errorf("text_config.hidden_act: %w: %w", err, decoder.ErrUnsupported)
	}
	rope, err := ropeTable(tc)
	if err != nil {
		return decoder.Spec{}, err
	}
	names := vittower.ProbeNames(set)
	spec := decoder.Spec{
		Family: string(cfg.Family),
		Decoder: blocks.Decoder{
			Hidden: int64(tc.HiddenSize), Heads: int64(tc.NumHeads), KVHeads: int64(tc.NumKVHeads),
			HeadDim: int64(tc.HeadDim), Inter: int64(tc.IntermediateSize), Vocab: int64(tc.VocabSize),
			Eps: tc.RMSNormEps, Norm: blocks.RMSNorm, QKVBias: tc.AttentionBias, OBias: tc.OProjBias, MLPBias: tc.MLPBias,
			Act: act, Prefix: names.Text, Names: blocks.LlamaNames(),
		},
		Ropes:        []blocks.RopeTables{rope},
		Embedding:    names.Text + "embed_tokens.weight",
		Head:         blocks.Head{Norm: names.Text + "norm.weight", Unembed: names.LMHead},
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
	if !set.Has(names.Vision + vittower.ProbeTensor) {
		spec.NoVisionReason = fmt.Sprintf("this checkpoint has no vision tower (no tensor %s)", names.Vision+vittower.ProbeTensor)
		return spec, nil
	}
	v, err := newTower(cfg, names)
	if err != nil {
		return decoder.Spec{}, err
	}
	spec.Vision = v
	return spec, nil
}

// ropeTable is the decoder's rotary table: plain, or rope_scaling's
// "linear" or "llama3" frequencies. Other scalings are refused.
func ropeTable(tc checkpoint.TextConfig) (blocks.RopeTables, error) {
	switch tc.RopeType {
	case "default":
		return blocks.RopeTables{InvFreq: blocks.RopeInvFreq(tc.RopeTheta, tc.HeadDim, 0)}, nil
	case "linear":
		return blocks.RopeTables{InvFreq: blocks.RopeInvFreq(tc.RopeTheta, tc.HeadDim, tc.RopeScaling.Factor)}, nil
	case "llama3":
		s := tc.RopeScaling
		if s.LowFreqFactor <= 0 || s.HighFreqFactor <= s.LowFreqFactor || s.OriginalMaxPositionEmbeddings <= 0 {
			return blocks.RopeTables{}, fmt.Errorf("text_config.rope_scaling: llama3 needs low_freq_factor < high_freq_factor and original_max_position_embeddings, got %+v: %w", s, decoder.ErrUnsupported)
		}
		return blocks.RopeTables{InvFreq: blocks.RopeInvFreqLlama3(tc.RopeTheta, tc.HeadDim, blocks.Llama3Scaling{
			Factor: s.Factor, LowFreqFactor: s.LowFreqFactor, HighFreqFactor: s.HighFreqFactor, OriginalMax: s.OriginalMaxPositionEmbeddings,
		})}, nil
	}
	return blocks.RopeTables{}, fmt.Errorf("text_config.rope_scaling rope_type %q: only default, linear and llama3 are supported: %w", tc.RopeType, decoder.ErrUnsupported)
}
