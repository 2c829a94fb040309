package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	var rows []results.Row
	// 6 layers, 2 steps, 3 tokens; token 1 matters early, token 2 late.
	for step := 0; step < 2; step++ {
		for layer := 0; layer < 6; layer++ {
			for pos, tok := range []string{"<|im_start|>", " cat", "<|image_pad|>"} {
				v := 0.1
				if pos == 1 && layer < 2 || pos == 2 && layer >= 4 {
					v = 1 + float64(step)
				}
				r := results.Row{Step: step, Layer: layer, TokenPosition: pos, TokenMasked: tok, Variant: "Full",
					L2Distance: v, Modality: "text", ImageIndex: -1, PatchRow: -1, PatchCol: -1, GroupSize: 1}
				if pos == 2 {
					r.Modality, r.ImageIndex, r.PatchRow, r.PatchCol = "image", 0, 1, 3
				}
				rows = append(rows, r, results.Row{Step: step, Layer: layer, TokenPosition: pos, Variant: "Attn", L2Distance: 99})
			}
		}
	}
	s, err := Summarize(rows, Options{Top: 1})
	first := func(b Band) Entry {
		if len(b.Image) > 0 && (len(b.Text) == 0 || b.Image[0].Mean > b.Text[0].Mean) {
			return b.Image[0]
		}
		return b.Text[0]
	}
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name        string
		first, last int
		pos         int
		mean        float64
	}{{"early", 0, 1, 1, 1.5}, {"middle", 2, 3, 0, 0.1}, {"late", 4, 5, 2, 1.5}}
	if len(s.Bands) != len(want) {
		t.Fatalf("%d bands", len(s.Bands))
	}
	for i, w := range want {
		b := s.Bands[i]
		if e := first(b); b.Name != w.name || b.FirstLayer != w.first || b.LastLayer != w.last || e.Position != w.pos || e.Mean != w.mean {
			t.Errorf("band %d = %s %d–%d top %+v, want %+v", i, b.Name, b.FirstLayer, b.LastLayer, e, w)
		}
		if len(b.Text) != 1 || len(b.Image) != 1 {
			t.Errorf("band %d: %d text and %d image entries, want 1 each", i, len(b.Text), len(b.Image))
		}
	}
	var out bytes.Buffer
	if err := s.Write(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `[img0 r1 c3]`) || !strings.Contains(out.String(), `" cat"`) {
		t.Errorf("report text:\n%s", out.String())
	}
}

func TestSummarizeErrors(t *testing.T) {
	t.Parallel()
	if _, err := Summarize(nil, Options{}); err == nil {
		t.Error("no rows accepted")
	}
	if _, err := Summarize([]results.Row{{Variant: "Attn"}}, Options{}); err == nil {
		t.Error("no Full rows accepted")
	}
	if _, err := Summarize([]results.Row{{Variant: "Full"}}, Options{Metric: "bogus"}); err == nil {
		t.Error("unknown metric accepted")
	}
}
