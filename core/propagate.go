package core

import "context"

// PropagateRequest asks a Propagator to carry alternative hidden states of
// the final position to the model's output.
type PropagateRequest struct {
	// From is the first layer the rows go through: Rows are the final
	// position's hidden state at its input (the output of layer From−1),
	// row-major [rows, Hidden]. From = NumLayers runs only the final norm
	// and the unembedding.
	From int
	Rows []float64
	// Blocked[r] are the key positions hidden from row r's attention at
	// layers From … BlockUntil−1 (the final position among them hides the
	// row's own key). One entry per row.
	Blocked    [][]int
	BlockUntil int
	// HeadRows bounds the rows of one final norm and unembedding product
	// (0: all rows at once), which bounds the logits held at a time.
	HeadRows int
	// Each receives each head product's output, in row order: out holds
	// rows first … first+n−1. Its slices are reused once Each returns.
	Each func(first int, out *Propagated) error
}

// Propagated is the model's output at the final position for each row.
type Propagated struct {
	Normed []float64 // [rows, Hidden]: the final norm's output
	Logits []float64 // [rows, Vocab]
}

// Propagator is an optional Sequence capability: the propagated knockout
// (docs/architecture.md, "The propagated knockout"). Blocking the final
// query's attention changes no other position (attention is causal), so
// the model's output under a block needs only the final row carried
// through the later layers against the keys and values already cached.
type Propagator interface {
	// Propagate runs after a Forward, against the keys and values it
	// cached for every position but the final one: each row goes through
	// layers From … NumLayers−1 with its own key and value at the final
	// position (all rows as one batch), then through the final norm and
	// the unembedding (HeadRows at a time), whose output goes to req.Each.
	// It needs a sequence started with SequenceOptions.PropagateRows.
	Propagate(ctx context.Context, req PropagateRequest) error
	// BlockedForward is the brute-force reference: a whole new forward of
	// the sequence's tokens through the ordinary layers, with the final
	// query's attention to the blocked positions removed at layers from …
	// until−1; it returns the final position's output (one row). The
	// sequence's own cache is left alone.
	BlockedForward(ctx context.Context, blocked []int, from, until int) (*Propagated, error)
}
