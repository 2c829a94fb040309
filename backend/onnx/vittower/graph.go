package vittower

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/weights"
)

// HiddenStates builds the tower on pixels [Patches, PatchDim] (PixelRows)
// up to encoder layer upTo and returns transformers' hidden_states[0..upTo]:
// [0] the embeddings (after CLIP's pre_layrnorm), [i] the output of
// encoder layer i−1, each [Positions, Hidden]. w declares tensors relative
// to the tower's Prefix; upTo must lie in 0..Depth.
func (t Tower) HiddenStates(g blocks.G, w *weights.Declarer, pixels *graph.Value, upTo int) []*graph.Value {
	x := t.embeddings(g, w.Sub("embeddings."), pixels)
	if t.Kind == CLIP {
		x = t.layerNorm(w, "pre_layrnorm").Apply(g, x)
	}
	states := []*graph.Value{x}
	for i := 0; i < upTo; i++ {
		lw := w.Sub(fmt.Sprintf("encoder.layers.%d.", i))
		block := blocks.ViTBlock{
			Hidden: t.Hidden, Heads: t.Heads,
			Norm1: t.layerNorm(lw, "layer_norm1"), Norm2: t.layerNorm(lw, "layer_norm2"),
			Q: lw.Get("self_attn.q_proj.weight", t.Hidden, t.Hidden), QBias: lw.Get("self_attn.q_proj.bias", t.Hidden),
			K: lw.Get("self_attn.k_proj.weight", t.Hidden, t.Hidden), KBias: lw.Get("self_attn.k_proj.bias", t.Hidden),
			V: lw.Get("self_attn.v_proj.weight", t.Hidden, t.Hidden), VBias: lw.Get("self_attn.v_proj.bias", t.Hidden),
			Proj: lw.Get("self_attn.out_proj.weight", t.Hidden, t.Hidden), ProjBias: lw.Get("self_attn.out_proj.bias", t.Hidden),
			MLP: blocks.DenseMLP{
				Act: t.Act,
				FC1: lw.Get("mlp.fc1.weight", t.Inter, t.Hidden), FC1Bias: lw.Get("mlp.fc1.bias", t.Inter),
				FC2: lw.Get("mlp.fc2.weight", t.Hidden, t.Inter), FC2Bias: lw.Get("mlp.fc2.bias", t.Hidden),
			},
		}
		x = block.Apply(g, x, nil, nil, blocks.Mask{})
		states = append(states, x)
	}
	return states
}

// PostNorm is the tower's post_layernorm applied to x (SigLIP's
// last_hidden_state is PostNorm of the last hidden state).
func (t Tower) PostNorm(g blocks.G, w *weights.Declarer, x *graph.Value) *graph.Value {
	return t.layerNorm(w, "post_layernorm").Apply(g, x)
}

// embeddings is the patch embedding (a Gemm with the Conv2d kernel read as
// a [Hidden, PatchDim] matrix), CLIP's class token in front, plus the
// learned position embedding of every row.
func (t Tower) embeddings(g blocks.G, w *weights.Declarer, pixels *graph.Value) *graph.Value {
	b := g.B
	kernel := w.As("patch_embedding.weight", []int64{t.Hidden, t.Channels, t.Patch, t.Patch}, t.Hidden, t.PatchDim())
	var bias *graph.Value
	if t.Kind == SigLIP {
		bias = w.Get("patch_embedding.bias", t.Hidden)
	}
	x := g.Linear(pixels, kernel, bias)
	if t.Kind == CLIP {
		class := w.As("class_embedding", []int64{t.Hidden}, 1, t.Hidden)
		x = b.Concat(0, g.As(class, g.DT), x)
	}
	return b.Add(x, g.As(w.Get("position_embedding.weight", t.Positions(), t.Hidden), g.DT))
}

// layerNorm is the LayerNorm name (weight and bias) over the hidden size.
func (t Tower) layerNorm(w *weights.Declarer, name string) blocks.Norm {
	return blocks.Norm{Kind: blocks.LayerNorm, Weight: w.Get(name+".weight", t.Hidden), Bias: w.Get(name+".bias", t.Hidden), Eps: t.Eps}
}
