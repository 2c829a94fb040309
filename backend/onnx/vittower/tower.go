package vittower

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/hf/checkpoint"
)

// Kind is the tower's architecture.
type Kind int

// The towers this package builds.
const (
	// CLIP is CLIPVisionModel: class token, pre_layrnorm, no patch bias.
	CLIP Kind = iota
	// SigLIP is SiglipVisionModel: no class token, patch bias,
	// post_layernorm.
	SigLIP
)

func (k Kind) String() string {
	if k == SigLIP {
		return "SigLIP"
	}
	return "CLIP"
}

// vision_config model_type of each kind.
const (
	clipModelType   = "clip_vision_model"
	siglipModelType = "siglip_vision_model"
)

// Tower is one CLIP or SigLIP vision transformer's shape and tensor
// prefix.
type Tower struct {
	Kind                        Kind
	Depth, Hidden, Inter, Heads int64
	// Patch is the patch side and ImageSize the image side in pixels;
	// Channels the input channels (3).
	Patch, ImageSize, Channels int64
	Act                        blocks.Activation
	// Eps is every LayerNorm's epsilon (layer_norm_eps).
	Eps float64
	// Prefix is where the tower's tensors live, e.g.
	// "vision_tower.vision_model.".
	Prefix string
}

// New reads a CLIP or SigLIP tower's shape from vision_config; prefix is
// where its tensors live. Another model_type, or an activation the
// blocks do not implement, gives an error wrapping
// decoder.ErrUnsupported that names the field.
func New(vc *checkpoint.VisionConfig, prefix string) (Tower, error) {
	t := Tower{
		Depth: int64(vc.Depth), Hidden: int64(vc.HiddenSize), Inter: int64(vc.IntermediateSize), Heads: int64(vc.NumHeads),
		Patch: int64(vc.PatchSize), ImageSize: int64(vc.ImageSize), Channels: int64(vc.InChannels),
		Eps: vc.LayerNormEps, Prefix: prefix,
	}
	switch vc.ModelType {
	case clipModelType:
		t.Kind = CLIP
	case siglipModelType:
		t.Kind = SigLIP
	default:
		return Tower{}, fmt.Errorf("vision_config.model_type %q: want %s or %s: %w", vc.ModelType, clipModelType, siglipModelType, decoder.ErrUnsupported)
	}
	act, err := blocks.ParseActivation(vc.HiddenAct)
	if err != nil {
		return Tower{}, fmt.Errorf("vision_config.hidden_act: %w: %w", err, decoder.ErrUnsupported)
	}
	t.Act = act
	if t.Heads < 1 || t.Hidden%t.Heads != 0 {
		return Tower{}, fmt.Errorf("vision_config: hidden_size %d over %d heads: %w", t.Hidden, t.Heads, decoder.ErrUnsupported)
	}
	if t.Patch < 1 || t.ImageSize%t.Patch != 0 {
		return Tower{}, fmt.Errorf("vision_config: patch_size %d does not divide image_size %d: %w", t.Patch, t.ImageSize, decoder.ErrUnsupported)
	}
	return t, nil
}

// Side is the number of patches along each side of the image.
func (t Tower) Side() int64 { return t.ImageSize / t.Patch }

// Patches is the number of patches of one image.
func (t Tower) Patches() int64 { return t.Side() * t.Side() }

// PatchDim is the length of one patch row: channels × patch².
func (t Tower) PatchDim() int64 { return t.Channels * t.Patch * t.Patch }

// Positions is the number of rows of the hidden states: the patches and,
// for CLIP, the class token in front.
func (t Tower) Positions() int64 {
	if t.Kind == CLIP {
		return t.Patches() + 1
	}
	return t.Patches()
}

// ProbeTensor is the tensor, relative to Prefix, whose presence says a
// checkpoint carries the tower.
const ProbeTensor = "embeddings.patch_embedding.weight"
