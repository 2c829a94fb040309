package core

import "context"

// Spec describes the decoder of a loaded model: what the analysis needs to
// size its work and label its rows.
type Spec struct {
	Family     string // checkpoint family, e.g. "qwen3_vl"
	NumLayers  int
	NumHeads   int
	NumKVHeads int
	HeadDim    int
	Hidden     int
	Vocab      int
}

// Model is a loaded checkpoint that can run sequences. Implementations live
// in backends (backend/onnx); core only drives them.
type Model interface {
	Spec() Spec
	// Start prepares a sequence for the prompt: it runs the vision tower for
	// the prompt's images and embeds the tokens, but runs no decoder layer
	// until Forward.
	Start(ctx context.Context, p *Prompt, opts SequenceOptions) (Sequence, error)
	Close() error
}

// SequenceOptions selects what a sequence keeps beyond the KV cache.
type SequenceOptions struct {
	// KeepLayerInputs keeps every layer's input at every position, which
	// LayerProbe.Recompute needs (memory: layers × tokens × hidden floats).
	KeepLayerInputs bool
	// PropagateRows readies the sequence for Propagator.Propagate (the
	// propagated knockout's fast path); a model that cannot refuses at
	// Start.
	PropagateRows bool
}

// Sequence is one prompt being decoded with a KV cache: the first Forward
// runs the whole prompt, each later Forward runs only the tokens added with
// Append since the previous one.
type Sequence interface {
	// Forward runs the pending tokens through every decoder layer and
	// returns the logits of the final position. When observe is not nil it
	// is called after each layer with that layer's probe; the probe is valid
	// only during the call.
	Forward(ctx context.Context, observe func(LayerProbe) error) ([]float64, error)
	// Append adds a token (a generated one) to be run by the next Forward.
	Append(id int) error
	// Len is the number of tokens in the sequence, pending ones included.
	Len() int
	Close() error
}

// LayerProbe exposes one decoder layer of one Forward, at the final query
// position, as the knockout engine needs it (see docs/architecture.md, "The knockout
// math"). Values are float64 whatever the model's compute dtype, so the
// engine's arithmetic is exact to float64 on top of the model's own
// precision. Slices are owned by the probe and valid only during the
// observe call.
type LayerProbe interface {
	Layer() int
	// SeqLen is the number of keys the final position attends to.
	SeqLen() int
	// NewInputs and NewOutputs are the layer's input and output hidden
	// states for the tokens run by this Forward, row-major [rows, Hidden];
	// the last row is the final position. Outputs are taken before any
	// DeepStack addition that follows the layer.
	NewInputs() []float64
	NewOutputs() []float64
	// Scores are the final query row's attention logits, scaled and
	// causally masked, before the softmax: [NumHeads, SeqLen].
	Scores() []float64
	// Values are the layer's value vectors for every key: [NumKVHeads,
	// SeqLen, HeadDim]. Head h reads KV head h / (NumHeads / NumKVHeads).
	Values() []float64
	// Tail runs o_proj and the rest of the layer at the final position for
	// `rows` replacement head outputs (row-major [rows, NumHeads·HeadDim]),
	// returning the attention outputs (after o_proj) and the layer updates
	// (attention output + MLP block, i.e. output − input), both [rows,
	// Hidden].
	Tail(ctx context.Context, heads []float64, rows int) (attn, update []float64, err error)
	// Recompute is the brute-force reference: it reruns the whole layer on
	// its true inputs once per group, with the final query row's logits at
	// the group's key positions set to −inf, and returns the final
	// position's head outputs [groups, NumHeads·HeadDim], attention outputs
	// and updates [groups, Hidden]. It needs SequenceOptions.KeepLayerInputs.
	Recompute(ctx context.Context, groups [][]int) (heads, attn, update []float64, err error)
}
