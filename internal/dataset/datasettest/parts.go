package datasettest

import (
	"hash/fnv"
	"math/rand/v2"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// Spec describes one synthetic part: a row whose prompt has Text tokens
// followed by images of the given merged-token grids, analysed over
// NumLayers layers and Steps steps, with Full and Attn variants.
type Spec struct {
	ID        string
	NumLayers int
	Steps     int
	Text      []string
	Grids     []results.Grid
	// Group, when set, adds a group of the first two text tokens with this
	// label (modality mixed when the row has images).
	Group string
	// Incomplete writes only the first step and marks the file incomplete.
	Incomplete bool
	// Metadata is added to the run metadata (row id, shard, ...).
	Metadata map[string]string
}

// Rows are the rows of a part: for every step, layer, token and variant,
// values drawn from a generator seeded by the id, so equal specs give
// equal rows.
func Rows(s Spec) []results.Row {
	h := fnv.New64a()
	h.Write([]byte(s.ID))
	rng := rand.New(rand.NewPCG(h.Sum64(), 7))
	var out []results.Row
	for step := range s.Steps {
		for layer := range s.NumLayers {
			pos := 0
			add := func(r results.Row) {
				for _, v := range []string{"Full", "Attn"} {
					r.Step, r.Layer, r.Variant = step, layer, v
					r.L2Distance = rng.Float64() * float64(layer+1)
					r.CosineDistance = rng.Float64() / 10
					r.PromptName = s.ID
					out = append(out, r)
				}
			}
			for _, tok := range s.Text {
				add(results.Row{TokenMasked: tok, TokenPosition: pos, TokenID: pos + 100, Modality: results.ModalityText,
					ImageIndex: -1, PatchRow: -1, PatchCol: -1, GroupLabel: tok, GroupSize: 1})
				pos++
			}
			if s.Group != "" {
				mod := results.ModalityText
				if len(s.Grids) > 0 {
					mod = results.ModalityMixed
				}
				add(results.Row{TokenMasked: s.Group, TokenPosition: 0, TokenID: -1, Modality: mod,
					ImageIndex: -1, PatchRow: -1, PatchCol: -1, GroupLabel: s.Group, GroupSize: 2})
			}
			for img, g := range s.Grids {
				for r := range g.Rows {
					for c := range g.Cols {
						add(results.Row{TokenMasked: "<|image_pad|>", TokenPosition: pos, TokenID: 9, Modality: results.ModalityImage,
							ImageIndex: img, PatchRow: r, PatchCol: c, GroupLabel: "<|image_pad|>", GroupSize: 1})
						pos++
					}
				}
			}
		}
	}
	return out
}

// WritePart writes a part at base (no extension) and returns its path.
func WritePart(t testing.TB, base string, s Spec) string {
	t.Helper()
	meta := map[string]string{
		results.MetaKeyNumLayers:  results.NumLayersValue(s.NumLayers),
		results.MetaKeyImageGrids: results.ImageGridsValue(s.Grids),
		results.MetaKeyPromptName: s.ID,
	}
	for k, v := range s.Metadata {
		meta[k] = v
	}
	w, err := results.Create(base, results.Options{Metadata: meta, PlannedSteps: s.Steps})
	if err != nil {
		t.Fatal(err)
	}
	rows := Rows(s)
	finished := s.Steps
	if s.Incomplete {
		finished = 1
		n := 0
		for n < len(rows) && rows[n].Step == 0 {
			n++
		}
		rows = rows[:n]
	}
	if err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.SetProgress(finished, !s.Incomplete); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.Paths()[0]
}
