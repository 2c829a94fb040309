package testmodel

import (
	"fmt"
	"math"
)

// The LLaVA and Gemma 3 tensors, in the published layout that transformers
// 4.57 saves: language_model.model.* (and language_model.lm_head.weight
// when untied), vision_tower.vision_model.*, multi_modal_projector.*. On
// top of the Qwen initialization, as the golden checkpoints were drawn:
// Conv2d patch embeddings N(0, 1/fan_in), CLIP's class embedding and the
// position tables N(0, 0.5²), Gemma 3's projection N(0, 1/vision hidden),
// and Gemma's (1 + w) RMSNorm weights N(0, 0.1²).

// Prefixes of the published layout.
const (
	vitTextPrefix      = "language_model.model."
	vitLMHead          = "language_model.lm_head"
	vitVisionPrefix    = "vision_tower.vision_model."
	vitProjectorPrefix = "multi_modal_projector."
)

// llava adds LLaVA's Llama decoder, CLIP tower and projector.
func (l *tensorLister) llava(p *Plan) {
	t := p.Text
	l.add(vitTextPrefix+"embed_tokens.weight", 0, 1, t.VocabSize, t.HiddenSize)
	q, kv := t.NumHeads*t.HeadDim, t.NumKVHeads*t.HeadDim
	for i := range t.NumLayers {
		pre := fmt.Sprintf("%slayers.%d.", vitTextPrefix, i)
		l.linear(pre+"self_attn.q_proj", q, t.HiddenSize, false)
		l.linear(pre+"self_attn.k_proj", kv, t.HiddenSize, false)
		l.linear(pre+"self_attn.v_proj", kv, t.HiddenSize, false)
		l.linear(pre+"self_attn.o_proj", t.HiddenSize, q, false)
		l.linear(pre+"mlp.gate_proj", t.IntermediateSize, t.HiddenSize, false)
		l.linear(pre+"mlp.up_proj", t.IntermediateSize, t.HiddenSize, false)
		l.linear(pre+"mlp.down_proj", t.HiddenSize, t.IntermediateSize, false)
		l.norm(pre+"input_layernorm", t.HiddenSize, false)
		l.norm(pre+"post_attention_layernorm", t.HiddenSize, false)
	}
	l.norm(vitTextPrefix+"norm", t.HiddenSize, false)
	if !t.TieWordEmbeddings {
		l.linear(vitLMHead, t.VocabSize, t.HiddenSize, false)
	}
	if !p.VisionWeights {
		return
	}
	v := *p.Vision
	l.linear(vitProjectorPrefix+"linear_1", t.HiddenSize, v.HiddenSize, true)
	l.linear(vitProjectorPrefix+"linear_2", t.HiddenSize, t.HiddenSize, true)
	l.add(vitVisionPrefix+"embeddings.class_embedding", 0, 0.5, v.HiddenSize)
	l.vitTower(v, true)
	l.norm(vitVisionPrefix+"pre_layrnorm", v.HiddenSize, true)
}

// gemma3 adds Gemma 3's decoder, SigLIP tower and projector.
func (l *tensorLister) gemma3(p *Plan) {
	t := p.Text
	gemmaNorm := func(name string, size int) { l.add(name+".weight", 0, 0.1, size) }
	l.add(vitTextPrefix+"embed_tokens.weight", 0, 1, t.VocabSize, t.HiddenSize)
	q, kv := t.NumHeads*t.HeadDim, t.NumKVHeads*t.HeadDim
	for i := range t.NumLayers {
		pre := fmt.Sprintf("%slayers.%d.", vitTextPrefix, i)
		l.linear(pre+"self_attn.q_proj", q, t.HiddenSize, false)
		l.linear(pre+"self_attn.k_proj", kv, t.HiddenSize, false)
		l.linear(pre+"self_attn.v_proj", kv, t.HiddenSize, false)
		l.linear(pre+"self_attn.o_proj", t.HiddenSize, q, false)
		gemmaNorm(pre+"self_attn.q_norm", t.HeadDim)
		gemmaNorm(pre+"self_attn.k_norm", t.HeadDim)
		l.linear(pre+"mlp.gate_proj", t.IntermediateSize, t.HiddenSize, false)
		l.linear(pre+"mlp.up_proj", t.IntermediateSize, t.HiddenSize, false)
		l.linear(pre+"mlp.down_proj", t.HiddenSize, t.IntermediateSize, false)
		for _, n := range []string{"input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm", "post_feedforward_layernorm"} {
			gemmaNorm(pre+n, t.HiddenSize)
		}
	}
	gemmaNorm(vitTextPrefix+"norm", t.HiddenSize)
	if !t.TieWordEmbeddings {
		l.linear(vitLMHead, t.VocabSize, t.HiddenSize, false)
	}
	if !p.VisionWeights {
		return
	}
	v := *p.Vision
	l.add(vitProjectorPrefix+"mm_input_projection_weight", 0, 1/math.Sqrt(float64(v.HiddenSize)), v.HiddenSize, t.HiddenSize)
	gemmaNorm(vitProjectorPrefix+"mm_soft_emb_norm", v.HiddenSize)
	l.add(vitVisionPrefix+"embeddings.patch_embedding.bias", 0, 0.1, v.HiddenSize)
	l.vitTower(v, false)
}

// vitTower adds a CLIP or SigLIP tower's patch embedding, position table
// (with a class position for CLIP), encoder layers and post_layernorm
// (which LLaVA's checkpoints carry too, unused).
func (l *tensorLister) vitTower(v VisionShape, class bool) {
	fanIn := v.InChannels * v.PatchSize * v.PatchSize
	l.add(vitVisionPrefix+"embeddings.patch_embedding.weight", 0, 1/math.Sqrt(float64(fanIn)),
		v.HiddenSize, v.InChannels, v.PatchSize, v.PatchSize)
	side := v.ImageSize / v.PatchSize
	positions := side * side
	if class {
		positions++
	}
	l.add(vitVisionPrefix+"embeddings.position_embedding.weight", 0, 0.5, positions, v.HiddenSize)
	for i := range v.Depth {
		pre := fmt.Sprintf("%sencoder.layers.%d.", vitVisionPrefix, i)
		l.norm(pre+"layer_norm1", v.HiddenSize, true)
		l.norm(pre+"layer_norm2", v.HiddenSize, true)
		l.linear(pre+"mlp.fc1", v.IntermediateSize, v.HiddenSize, true)
		l.linear(pre+"mlp.fc2", v.HiddenSize, v.IntermediateSize, true)
		for _, proj := range []string{"q_proj", "k_proj", "v_proj", "out_proj"} {
			l.linear(pre+"self_attn."+proj, v.HiddenSize, v.HiddenSize, true)
		}
	}
	l.norm(vitVisionPrefix+"post_layernorm", v.HiddenSize, true)
}
