package blocks

import (
	"fmt"
	"math"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/weights"
)

// Decoder is a transformer decoder's shape and options, from config.json.
type Decoder struct {
	Hidden, Heads, KVHeads, HeadDim, Inter, Vocab int64
	Eps                                           float64
	// Norm is the formula of every norm of the layer and the final norm:
	// RMSNorm, or OffsetRMSNorm for Gemma.
	Norm NormKind
	// QKNorm: a norm on each head's queries and keys (Qwen3, Gemma 3).
	QKNorm bool
	// QKVBias: biases on q, k and v (Qwen2); OBias: on o_proj.
	QKVBias, OBias bool
	// MLPBias: biases on gate, up and down (Llama's mlp_bias).
	MLPBias bool
	// Act is the gated MLP's activation.
	Act Activation
	// Sandwich: Gemma's four norms per layer — the attention output and the
	// MLP output are normalised before they join the residual stream.
	Sandwich bool
	// Scale multiplies the attention logits: 1/√HeadDim when 0 (Gemma 3
	// uses query_pre_attn_scalar^-½).
	Scale float64
	// Softcap, when positive, caps the attention logits at
	// Softcap·tanh(logit/Softcap) (Gemma 2's attn_logit_softcapping).
	Softcap float64
	// MatMul is the dtype of the matrix products (BFloat16 or Float16 on
	// CUDA; 0: the graphs' dtype). Norms, softmax and the residual stream
	// stay in the graphs' dtype.
	MatMul graph.DType
	// AttnBudget, when positive, bounds the attention scores the layer and
	// recompute graphs hold at once: their queries go in blocks
	// (G.AttnBudget). 0: all at once.
	AttnBudget int64
	// Prefix of the layers' tensor names, e.g. "model.language_model.";
	// layer l's tensors are Prefix + "layers.l." + the LayerNames.
	Prefix string
	Names  LayerNames
}

// LayerNames are a decoder layer's tensor names, relative to
// "<prefix>layers.<l>.", without the ".weight"/".bias" suffix.
type LayerNames struct {
	InputNorm    string
	PostAttnNorm string // Sandwich only: the norm of the attention output
	PreMLPNorm   string
	PostMLPNorm  string // Sandwich only: the norm of the MLP output
	Q, K, V, O   string
	QNorm, KNorm string
	Gate, Up     string
	Down         string
}

// LlamaNames are the tensor names of Llama, Qwen and their relatives,
// where post_attention_layernorm is the norm before the MLP.
func LlamaNames() LayerNames {
	return LayerNames{
		InputNorm: "input_layernorm", PreMLPNorm: "post_attention_layernorm",
		Q: "self_attn.q_proj", K: "self_attn.k_proj", V: "self_attn.v_proj", O: "self_attn.o_proj",
		QNorm: "self_attn.q_norm", KNorm: "self_attn.k_norm",
		Gate: "mlp.gate_proj", Up: "mlp.up_proj", Down: "mlp.down_proj",
	}
}

// GemmaNames are Gemma 2/3's tensor names: post_attention_layernorm
// normalises the attention output, and the MLP has its own pre- and
// post-norms.
func GemmaNames() LayerNames {
	n := LlamaNames()
	n.PostAttnNorm = "post_attention_layernorm"
	n.PreMLPNorm = "pre_feedforward_layernorm"
	n.PostMLPNorm = "post_feedforward_layernorm"
	return n
}

func (d Decoder) rep() int64 { return d.Heads / d.KVHeads }

func (d Decoder) scale() float64 {
	if d.Scale != 0 {
		return d.Scale
	}
	return 1 / math.Sqrt(float64(d.HeadDim))
}

// LayerWeights are one decoder layer's weights declared in one graph.
type LayerWeights struct {
	InputNorm, PostAttnNorm, PreMLPNorm, PostMLPNorm Norm
	Q, K, V, O                                       *graph.Value
	QBias, KBias, VBias, OBias                       *graph.Value
	QNorm, KNorm                                     Norm
	MLP                                              GatedMLP
}

// DeclareLayer declares layer l's weights; the attention weights other
// than o_proj only when withQKV (the tail graph needs none of them).
func (d Decoder) DeclareLayer(ws *weights.Store, b *graph.Builder, l int, withQKV bool) (*LayerWeights, error) {
	w := weights.NewDeclarer(ws, b, fmt.Sprintf("%slayers.%d.", d.Prefix, l))
	n := d.Names
	qDim, kvDim := d.Heads*d.HeadDim, d.KVHeads*d.HeadDim
	norm := func(name string, width int64) Norm {
		return Norm{Kind: d.Norm, Weight: w.Get(name+".weight", width), Eps: d.Eps}
	}
	lw := &LayerWeights{
		PreMLPNorm: norm(n.PreMLPNorm, d.Hidden),
		O:          w.Get(n.O+".weight", d.Hidden, qDim),
		OBias:      w.If(d.OBias, n.O+".bias", d.Hidden),
		MLP: GatedMLP{
			Act:  d.Act,
			Gate: w.Get(n.Gate+".weight", d.Inter, d.Hidden),
			Up:   w.Get(n.Up+".weight", d.Inter, d.Hidden),
			Down: w.Get(n.Down+".weight", d.Hidden, d.Inter),

			GateBias: w.If(d.MLPBias, n.Gate+".bias", d.Inter),
			UpBias:   w.If(d.MLPBias, n.Up+".bias", d.Inter),
			DownBias: w.If(d.MLPBias, n.Down+".bias", d.Hidden),
		},
	}
	if d.Sandwich {
		lw.PostAttnNorm = norm(n.PostAttnNorm, d.Hidden)
		lw.PostMLPNorm = norm(n.PostMLPNorm, d.Hidden)
	}
	if withQKV {
		lw.InputNorm = norm(n.InputNorm, d.Hidden)
		lw.Q = w.Get(n.Q+".weight", qDim, d.Hidden)
		lw.K = w.Get(n.K+".weight", kvDim, d.Hidden)
		lw.V = w.Get(n.V+".weight", kvDim, d.Hidden)
		lw.QBias = w.If(d.QKVBias, n.Q+".bias", qDim)
		lw.KBias = w.If(d.QKVBias, n.K+".bias", kvDim)
		lw.VBias = w.If(d.QKVBias, n.V+".bias", kvDim)
		if d.QKNorm {
			lw.QNorm = norm(n.QNorm, d.HeadDim)
			lw.KNorm = norm(n.KNorm, d.HeadDim)
		}
	}
	return lw, w.Err()
}

// QKV projects normed hidden states h [n, hidden] to rotated queries
// [kvHeads, rep, n, headDim] and rotated keys and values [kvHeads, n,
// headDim]. cos and sin are [n, headDim].
func (d Decoder) QKV(g G, lw *LayerWeights, h, cos, sin *graph.Value) (q, k, v *graph.Value) {
	b := g.B
	q = b.Reshape(g.Linear(h, lw.Q, lw.QBias), 0, d.Heads, d.HeadDim)   // [n, H, hd]
	k = b.Reshape(g.Linear(h, lw.K, lw.KBias), 0, d.KVHeads, d.HeadDim) // [n, KVH, hd]
	v = b.Reshape(g.Linear(h, lw.V, lw.VBias), 0, d.KVHeads, d.HeadDim)
	if d.QKNorm {
		q = lw.QNorm.Apply(g, q)
		k = lw.KNorm.Apply(g, k)
	}
	// cos/sin [n, hd] broadcast over heads as [n, 1, hd].
	c := b.Unsqueeze(cos, 1)
	s := b.Unsqueeze(sin, 1)
	q = g.Rope(q, c, s, d.HeadDim)
	k = g.Rope(k, c, s, d.HeadDim)
	// Head h = kv·rep + r, the order of transformers' repeat_kv.
	q = b.Transpose(b.Reshape(q, 0, d.KVHeads, d.rep(), d.HeadDim), 1, 2, 0, 3) // [KVH, rep, n, hd]
	k = b.Transpose(k, 1, 0, 2)                                                 // [KVH, n, hd]
	v = b.Transpose(v, 1, 0, 2)
	return q, k, v
}

// Logits are the scaled (and soft-capped) attention logits of queries q
// [..., KVH, rep, n, hd] against keys kT [..., KVH, 1, hd, t], before the
// mask.
func (d Decoder) Logits(g G, q, kT *graph.Value) *graph.Value {
	b := g.B
	scores := b.Mul(b.MatMul(q, kT), g.Scalar(d.scale()))
	if d.Softcap > 0 {
		scores = b.Mul(b.Tanh(b.Mul(scores, g.Scalar(1/d.Softcap))), g.Scalar(d.Softcap))
	}
	return scores
}

// AttnOut is the attention output for head outputs heads [rows, H·hd]:
// proj is o_proj's output — what the knockout table's Attn variant
// measures, as transformers' self_attn module returns it — and resid is
// what joins the residual stream: proj itself, or its post-attention norm
// in a sandwich layer (Gemma).
func (d Decoder) AttnOut(g G, lw *LayerWeights, heads *graph.Value) (proj, resid *graph.Value) {
	proj = g.Linear(heads, lw.O, lw.OBias)
	resid = proj
	if d.Sandwich {
		resid = lw.PostAttnNorm.Apply(g, proj)
	}
	return proj, resid
}

// MLPBlock is the layer's second half applied to the post-attention
// residual mid [rows, hidden]: the MLP of the pre-MLP norm of mid, and the
// post-MLP norm in a sandwich layer.
func (d Decoder) MLPBlock(g G, lw *LayerWeights, mid *graph.Value) *graph.Value {
	out := lw.MLP.Apply(g, lw.PreMLPNorm.Apply(g, mid))
	if d.Sandwich {
		out = lw.PostMLPNorm.Apply(g, out)
	}
	return out
}
