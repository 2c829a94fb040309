package gemma3

import (
	"fmt"
	"math"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/vittower"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// ModelTypes are the config.json model_type values this family runs.
func ModelTypes() []checkpoint.Family { return []checkpoint.Family{checkpoint.Gemma3} }

// Load reads the checkpoint cfg describes and builds its sessions.
func Load(rt *ort.Runtime, cfg *checkpoint.Config, opts decoder.Options) (*decoder.Model, error) {
	return decoder.LoadCheckpoint(rt, cfg, opts, ModelTypes(), NewSpec)
}

// Indexes of the two rotary tables in Spec.Ropes.
const (
	globalRope = 0 // full-attention layers
	localRope  = 1 // sliding-attention layers
)

// NewSpec describes a Gemma 3 checkpoint to the decoder runtime. A
// checkpoint saved without its vision tower runs text-only, and an image
// then gets an error naming the missing tensor.
func NewSpec(cfg *checkpoint.Config, set *safetensors.Set) (decoder.Spec, error) {
	tc := cfg.Text
	if tc.UseBidirectionalAttention {
		return decoder.Spec{}, fmt.Errorf("text_config.use_bidirectional_attention: an encoder (EmbeddingGemma), not a generative model: %w", decoder.ErrUnsupported)
	}
	act, err := blocks.ParseActivation(tc.HiddenAct)
	if err != nil {
		return decoder.Spec{}, fmt.Errorf("text_config.hidden_activation: %w: %w", err, decoder.ErrUnsupported)
	}
	global, err := globalFreq(tc)
	if err != nil {
		return decoder.Spec{}, err
	}
	names := vittower.ProbeNames(set)
	spec := decoder.Spec{
		Family: string(cfg.Family),
		Decoder: blocks.Decoder{
			Hidden: int64(tc.HiddenSize), Heads: int64(tc.NumHeads), KVHeads: int64(tc.NumKVHeads),
			HeadDim: int64(tc.HeadDim), Inter: int64(tc.IntermediateSize), Vocab: int64(tc.VocabSize),
			Eps: tc.RMSNormEps, Norm: blocks.OffsetRMSNorm, QKNorm: true, Sandwich: true,
			QKVBias: tc.AttentionBias, OBias: tc.OProjBias, Act: act,
			// No attention soft cap: Gemma3Attention never hands
			// attn_logit_softcapping to its attention function.
			Scale:  1 / math.Sqrt(tc.QueryPreAttnScalar),
			Prefix: names.Text, Names: blocks.GemmaNames(),
		},
		Ropes: []blocks.RopeTables{
			globalRope: {InvFreq: global},
			localRope:  {InvFreq: blocks.RopeInvFreq(tc.RopeLocalTheta, tc.HeadDim, 0)},
		},
		Embedding: names.Text + "embed_tokens.weight",
		// Gemma3TextScaledWordEmbedding keeps √hidden in a float32 buffer.
		EmbedScale: float64(float32(math.Sqrt(float64(tc.HiddenSize)))),
		// No logit soft cap: Gemma3ForConditionalGeneration's forward
		// never applies final_logit_softcapping (only the text-only
		// Gemma3ForCausalLM does).
		Head:                blocks.Head{Norm: names.Text + "norm.weight", Unembed: names.LMHead},
		ImageTokenID:        cfg.ImageTokenID,
		BidirectionalImages: true,
	}
	if cfg.TieWordEmbeddings {
		spec.Head.Unembed = spec.Embedding
	}
	spec.Layers = make([]decoder.Layer, tc.NumLayers)
	for l := range spec.Layers {
		spec.Layers[l].Rope = globalRope
		if tc.LayerTypes[l] == "sliding_attention" {
			spec.Layers[l] = decoder.Layer{Rope: localRope, Window: tc.SlidingWindow}
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

// globalFreq is the full-attention layers' inverse frequencies:
// rope_theta, scaled by rope_scaling's "linear" factor when set. Other
// scalings are refused.
func globalFreq(tc checkpoint.TextConfig) ([]float32, error) {
	switch tc.RopeType {
	case "default":
		return blocks.RopeInvFreq(tc.RopeTheta, tc.HeadDim, 0), nil
	case "linear":
		return blocks.RopeInvFreq(tc.RopeTheta, tc.HeadDim, tc.RopeScaling.Factor), nil
	}
	return nil, fmt.Errorf("text_config.rope_scaling rope_type %q: only default and linear are supported: %w", tc.RopeType, decoder.ErrUnsupported)
}
