package testmodel

import (
	"fmt"
	"math"
)

// tensorList lists the weights of the plan's family and shapes.
func tensorList(p *Plan) []TensorSpec {
	var l tensorLister
	switch p.Family {
	case FamilyLlava:
		l.llava(p)
		return l.specs
	case FamilyGemma3:
		l.gemma3(p)
		return l.specs
	case FamilyQwen3:
		l.decoder("model.", p.Text)
	case FamilyQwen2VL, FamilyQwen25VL:
		// transformers 4.57 saves these under their legacy names.
		if p.VisionWeights {
			l.qwen2VisionTower("visual.", *p.Vision, p.Family == FamilyQwen25VL)
		}
		l.qwen2Decoder("model.", p.Text)
	default:
		if p.VisionWeights {
			l.visionTower("model.visual.", *p.Vision)
		}
		l.decoder("model.language_model.", p.Text)
	}
	if !p.Text.TieWordEmbeddings {
		l.linear("lm_head", p.Text.VocabSize, p.Text.HiddenSize, false)
	}
	return l.specs
}

// tensorLister collects TensorSpecs with the golden checkpoints'
// initialization.
type tensorLister struct {
	specs []TensorSpec
}

func (l *tensorLister) add(name string, mean, std float64, shape ...int) {
	s := TensorSpec{Name: name, Mean: mean, Std: std}
	for _, d := range shape {
		s.Shape = append(s.Shape, int64(d))
	}
	l.specs = append(l.specs, s)
}

// linear adds name.weight [out, in] ~ N(0, 1/in) and, with bias,
// name.bias [out] ~ N(0, 0.1²).
func (l *tensorLister) linear(name string, out, in int, bias bool) {
	l.add(name+".weight", 0, 1/math.Sqrt(float64(in)), out, in)
	if bias {
		l.add(name+".bias", 0, 0.1, out)
	}
}

// norm adds an RMSNorm (weight only) or LayerNorm (weight and bias) over
// size: weights 1 + N(0, 0.1²), biases N(0, 0.1²).
func (l *tensorLister) norm(name string, size int, bias bool) {
	l.add(name+".weight", 1, 0.1, size)
	if bias {
		l.add(name+".bias", 0, 0.1, size)
	}
}

// decoder adds the Qwen3 decoder under prefix ("model." or
// "model.language_model."): embeddings, layers with q_norm/k_norm and no
// attention biases, final norm.
func (l *tensorLister) decoder(prefix string, t TextShape) {
	l.add(prefix+"embed_tokens.weight", 0, 1, t.VocabSize, t.HiddenSize)
	q, kv := t.NumHeads*t.HeadDim, t.NumKVHeads*t.HeadDim
	for i := range t.NumLayers {
		p := fmt.Sprintf("%slayers.%d.", prefix, i)
		l.linear(p+"self_attn.q_proj", q, t.HiddenSize, false)
		l.linear(p+"self_attn.k_proj", kv, t.HiddenSize, false)
		l.linear(p+"self_attn.v_proj", kv, t.HiddenSize, false)
		l.linear(p+"self_attn.o_proj", t.HiddenSize, q, false)
		l.norm(p+"self_attn.q_norm", t.HeadDim, false)
		l.norm(p+"self_attn.k_norm", t.HeadDim, false)
		l.linear(p+"mlp.gate_proj", t.IntermediateSize, t.HiddenSize, false)
		l.linear(p+"mlp.up_proj", t.IntermediateSize, t.HiddenSize, false)
		l.linear(p+"mlp.down_proj", t.HiddenSize, t.IntermediateSize, false)
		l.norm(p+"input_layernorm", t.HiddenSize, false)
		l.norm(p+"post_attention_layernorm", t.HiddenSize, false)
	}
	l.norm(prefix+"norm", t.HiddenSize, false)
}

// visionTower adds the Qwen3-VL vision tower under prefix: the Conv3d patch
// embedding, the learned position table, the blocks (LayerNorms, fused
// qkv, GELU MLP, all with biases), the patch merger and one DeepStack
// merger per deepstack index (whose norm runs after the 2×2 shuffle).
func (l *tensorLister) visionTower(prefix string, v VisionShape) {
	fanIn := v.InChannels * v.TemporalPatchSize * v.PatchSize * v.PatchSize
	l.add(prefix+"patch_embed.proj.weight", 0, 1/math.Sqrt(float64(fanIn)),
		v.HiddenSize, v.InChannels, v.TemporalPatchSize, v.PatchSize, v.PatchSize)
	l.add(prefix+"patch_embed.proj.bias", 0, 0.1, v.HiddenSize)
	l.add(prefix+"pos_embed.weight", 0, 0.5, v.NumPositionEmbeddings, v.HiddenSize)
	for i := range v.Depth {
		p := fmt.Sprintf("%sblocks.%d.", prefix, i)
		l.norm(p+"norm1", v.HiddenSize, true)
		l.norm(p+"norm2", v.HiddenSize, true)
		l.linear(p+"attn.qkv", 3*v.HiddenSize, v.HiddenSize, true)
		l.linear(p+"attn.proj", v.HiddenSize, v.HiddenSize, true)
		l.linear(p+"mlp.linear_fc1", v.IntermediateSize, v.HiddenSize, true)
		l.linear(p+"mlp.linear_fc2", v.HiddenSize, v.IntermediateSize, true)
	}
	merged := v.MergedSize()
	l.norm(prefix+"merger.norm", v.HiddenSize, true)
	l.linear(prefix+"merger.linear_fc1", merged, merged, true)
	l.linear(prefix+"merger.linear_fc2", v.OutHiddenSize, merged, true)
	for i := range v.DeepstackVisualIndexes {
		p := fmt.Sprintf("%sdeepstack_merger_list.%d.", prefix, i)
		l.norm(p+"norm", merged, true)
		l.linear(p+"linear_fc1", merged, merged, true)
		l.linear(p+"linear_fc2", v.OutHiddenSize, merged, true)
	}
}
