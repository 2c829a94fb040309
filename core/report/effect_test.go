package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/core/results"
)

// TestSummarizeEffect: an Effect_W{k} variant ranks tokens by an effect
// column (kl by default; dlogp most negative first) per band of start
// layers; effect metrics are refused for the local variants.
func TestSummarizeEffect(t *testing.T) {
	t.Parallel()
	var rows []results.Row
	// 4 start layers, 3 text tokens: token 2 moves the output most early,
	// token 0 late; token 1 never.
	for layer := 0; layer < 4; layer++ {
		for pos, tok := range []string{"a", "b", "c"} {
			kl, dlogp := 0.001, -0.01
			if pos == 2 && layer < 2 || pos == 0 && layer >= 2 {
				kl, dlogp = 0.5, -2
			}
			base := results.Row{Layer: layer, TokenPosition: pos, TokenMasked: tok, Modality: "text", ImageIndex: -1, PatchRow: -1, PatchCol: -1, GroupSize: 1}
			full := base
			full.Variant, full.L2Distance = "Full", float64(pos)
			eff := base
			eff.Variant = "Effect_W1"
			eff.Effect = &results.Effect{KL: kl, DLogP: dlogp, Rank: pos, ArgmaxChanged: kl > 0.1}
			rows = append(rows, full, eff)
		}
	}
	for _, tc := range []struct {
		metric     string
		early, end int // the top position of the first and last band
		mean       float64
	}{
		{"", 2, 0, 0.5},
		{results.ColumnDLogP, 2, 0, -2},
		{results.ColumnArgmaxChanged, 2, 0, 1},
	} {
		s, err := Summarize(rows, Options{Variant: "Effect_W1", Metric: tc.metric, Top: 1, Bands: 2})
		if err != nil {
			t.Fatal(err)
		}
		if s.Bands[0].Text[0].Position != tc.early || s.Bands[1].Text[0].Position != tc.end || s.Bands[0].Text[0].Mean != tc.mean {
			t.Errorf("metric %q: top %+v / %+v, want positions %d / %d with mean %v", tc.metric, s.Bands[0].Text[0], s.Bands[1].Text[0], tc.early, tc.end, tc.mean)
		}
		var out bytes.Buffer
		if err := s.Write(&out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "Effect_W1") || !strings.Contains(out.String(), "start layer") {
			t.Errorf("report text:\n%s", out.String())
		}
	}
	if _, err := Summarize(rows, Options{Variant: "Full", Metric: results.ColumnKL}); err == nil || !strings.Contains(err.Error(), "Effect_W") {
		t.Errorf("kl of the Full variant: %v", err)
	}
	if s, err := Summarize(rows, Options{}); err != nil || s.Metric != results.ColumnL2Distance || s.Bands[0].Text[0].Position != 2 {
		t.Errorf("the default report of a file with effect rows: %+v, %v", s, err)
	}
}
