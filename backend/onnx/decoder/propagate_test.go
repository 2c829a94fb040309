package decoder_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/family"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/internal/testmodel"
)

// TestPropagateHeadChunks: the head's output comes the same in one product
// or a few rows at a time, in row order, and so do rows carried through the
// layers in chunks under an attention budget; Propagate refuses a sequence with
// tokens no forward ran, a position outside the sequence, and a model
// loaded without the row layers.
func TestPropagateHeadChunks(t *testing.T) {
	rt := orttest.Runtime(t)
	dir := t.TempDir()
	noVision := false
	if err := testmodel.Generate(dir, testmodel.Options{Family: testmodel.FamilyQwen3, Seed: 3, Vision: &noVision}); err != nil {
		t.Fatal(err)
	}
	m, err := family.LoadDir(rt, dir, decoder.Options{DType: graph.Float64, Propagate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	ctx := context.Background()
	p := &core.Prompt{}
	for i := 0; i < 9; i++ {
		p.IDs = append(p.IDs, 7*i+3)
		for r := range p.Positions {
			p.Positions[r] = append(p.Positions[r], int64(i))
		}
	}
	seq, err := m.Start(ctx, p, core.SequenceOptions{PropagateRows: true})
	if err != nil {
		t.Fatal(err)
	}
	defer seq.Close()
	prop := seq.(core.Propagator)
	hidden := m.Spec().Hidden
	const rows = 5
	req := core.PropagateRequest{From: 1, BlockUntil: 2, Rows: make([]float64, rows*hidden), Blocked: [][]int{{0}, {1, 2}, {8}, nil, {3}}}
	for i := range req.Rows {
		req.Rows[i] = math.Sin(float64(i))
	}
	collect := func(headRows int) (logits, normed []float64, firsts []int) {
		r := req
		r.HeadRows = headRows
		r.Each = func(first int, out *core.Propagated) error {
			firsts = append(firsts, first)
			logits, normed = append(logits, out.Logits...), append(normed, out.Normed...)
			return nil
		}
		if err := prop.Propagate(ctx, r); err != nil {
			t.Fatal(err)
		}
		return logits, normed, firsts
	}
	if err := prop.Propagate(ctx, core.PropagateRequest{From: 1, Rows: req.Rows, Blocked: req.Blocked, Each: func(int, *core.Propagated) error { return nil }}); err == nil {
		t.Error("Propagate before any forward: no error")
	}
	if _, err := seq.Forward(ctx, nil); err != nil {
		t.Fatal(err)
	}
	oneL, oneN, oneF := collect(0)
	chunkL, chunkN, chunkF := collect(2)
	if !slices.Equal(oneF, []int{0}) || !slices.Equal(chunkF, []int{0, 2, 4}) {
		t.Errorf("chunks start at %v and %v, want [0] and [0 2 4]", oneF, chunkF)
	}
	if len(oneL) != rows*m.Spec().Vocab || len(oneN) != rows*hidden {
		t.Fatalf("%d logits and %d normed values for %d rows", len(oneL), len(oneN), rows)
	}
	for _, part := range []struct {
		name     string
		one, got []float64
	}{{"logits", oneL, chunkL}, {"normed", oneN, chunkN}} {
		for i := range part.one {
			if math.Abs(part.one[i]-part.got[i]) > 1e-12*math.Max(1, math.Abs(part.one[i])) {
				t.Fatalf("%s[%d]: %v in one product, %v in chunks", part.name, i, part.one[i], part.got[i])
			}
		}
	}
	// Under an attention budget of two rows' scores (heads × 9 positions
	// each), the rows go through the layers two at a time: the same
	// outputs, handed over in row order.
	chunked, err := family.LoadDir(rt, dir, decoder.Options{DType: graph.Float64, Propagate: true, AttnBudget: int64(2 * m.Spec().NumHeads * 9)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { chunked.Close() })
	cseq, err := chunked.Start(ctx, p, core.SequenceOptions{PropagateRows: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cseq.Close()
	if _, err := cseq.Forward(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var rowL, rowN []float64
	var rowF []int
	r := req
	r.Each = func(first int, out *core.Propagated) error {
		rowF = append(rowF, first)
		rowL, rowN = append(rowL, out.Logits...), append(rowN, out.Normed...)
		return nil
	}
	if err := cseq.(core.Propagator).Propagate(ctx, r); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rowF, []int{0, 2, 4}) {
		t.Errorf("row chunks start at %v, want [0 2 4]", rowF)
	}
	for _, part := range []struct {
		name     string
		one, got []float64
	}{{"logits", oneL, rowL}, {"normed", oneN, rowN}} {
		if len(part.got) != len(part.one) {
			t.Fatalf("%s: %d values in row chunks, %d at once", part.name, len(part.got), len(part.one))
		}
		for i := range part.one {
			if math.Abs(part.one[i]-part.got[i]) > 1e-12*math.Max(1, math.Abs(part.one[i])) {
				t.Fatalf("%s[%d]: %v at once, %v in row chunks", part.name, i, part.one[i], part.got[i])
			}
		}
	}

	bad := req
	bad.Blocked = [][]int{{0}, {1}, {9}, nil, nil}
	bad.Each = func(int, *core.Propagated) error { return nil }
	if err := prop.Propagate(ctx, bad); err == nil {
		t.Error("a blocked position past the sequence: no error")
	}

	plain, err := family.LoadDir(rt, dir, decoder.Options{DType: graph.Float64})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { plain.Close() })
	if _, err := plain.Start(ctx, p, core.SequenceOptions{PropagateRows: true}); !errors.Is(err, decoder.ErrUnsupported) {
		t.Errorf("Start with PropagateRows on a model without the row layers: %v, want ErrUnsupported", err)
	}
}
