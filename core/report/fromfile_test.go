package report

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// TestFromFileIncomplete: a run stopped in the middle of step 2 of 5. The
// report's first line says how much it covers, and the means are over the
// two finished steps only: token 1's value is 1 in steps 0 and 1, and 100
// in the rows step 2 had written before the stop.
func TestFromFileIncomplete(t *testing.T) {
	t.Parallel()
	base := filepath.Join(t.TempDir(), "run")
	w, err := results.Create(base, results.Options{PlannedSteps: 5, Metadata: map[string]string{results.MetaKeyNumLayers: "2"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Abort() })
	row := func(step, layer, pos int, v float64) results.Row {
		return results.Row{Step: step, Layer: layer, TokenPosition: pos, TokenMasked: "t", Variant: "Full", L2Distance: v,
			Modality: results.ModalityText, ImageIndex: -1, PatchRow: -1, PatchCol: -1, GroupSize: 1}
	}
	for step := 0; step < 3; step++ {
		for layer := 0; layer < 2; layer++ {
			if step == 2 && layer == 1 {
				break // stopped here
			}
			v := 1.0
			if step == 2 {
				v = 100
			}
			if err := w.Write([]results.Row{row(step, layer, 0, 0.5), row(step, layer, 1, v)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.SetProgress(2, false); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := FromFile(base+".parquet", Options{Bands: 1})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := s.Write(&out); err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(out.String(), "\n")
	if !strings.HasPrefix(first, "incomplete: 2 of 5 steps") {
		t.Errorf("first line %q, want it to say incomplete: 2 of 5 steps", first)
	}
	if s.Steps != 2 {
		t.Errorf("%d steps summarised, want 2", s.Steps)
	}
	top := s.Bands[0].Text[0]
	if top.Position != 1 || math.Abs(top.Mean-1) > 1e-15 {
		t.Errorf("top entry %+v, want position 1 with mean 1 (the finished steps only)", top)
	}
}

// TestSummarizeRefusesLayersBeyondTheFile: a row whose layer lies beyond
// the recorded layer count (or any sane count) is refused, not used to
// size the bands.
func TestSummarizeRefusesLayersBeyondTheFile(t *testing.T) {
	t.Parallel()
	r := results.Row{Layer: 7, Variant: "Full", Modality: "text", ImageIndex: -1, PatchRow: -1, PatchCol: -1, GroupSize: 1}
	if _, err := Summarize([]results.Row{r}, Options{NumLayers: 4}); err == nil {
		t.Error("layer 7 of a 4-layer file accepted")
	}
	r.Layer = 1 << 62 // r.Layer*bands would overflow
	if _, err := Summarize([]results.Row{r}, Options{}); err == nil {
		t.Error("layer 1<<62 accepted")
	}
	if _, err := Summarize([]results.Row{{Variant: "Full"}}, Options{Bands: MaxBands + 1}); err == nil {
		t.Error("more bands than MaxBands accepted")
	}
}
