package gemma3

import (
	"fmt"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/internal/goldenmodel"
)

// TestGoldenBlockedAttention runs every Gemma 3 golden case (the SigLIP tower, sliding windows, bidirectional image blocks) with the attention computed
// in blocks of queries — one query per block, and a few per block with a
// padded last one — and checks the forward pass and the complete knockout
// table, fast and recompute, under the tolerance rule.
func TestGoldenBlockedAttention(t *testing.T) {
	rt := orttest.Runtime(t)
	for _, budget := range []int64{1, 3000} {
		for _, c := range golden.Cases(t, goldenPattern) {
			t.Run(fmt.Sprintf("budget %d/%s", budget, c.Name), func(t *testing.T) {
				cfg, err := checkpoint.Load(c.Checkpoint())
				if err != nil {
					t.Fatal(err)
				}
				m := loadDir(t, rt, c.Checkpoint(), decoder.Options{Recompute: true, AttnBudget: budget})
				goldenmodel.CheckForward(t, m, c)
				for _, method := range []core.Method{core.MethodFast, core.MethodRecompute} {
					goldenmodel.CheckKnockout(t, m, c, method, cfg.StopTokenIDs())
				}
			})
		}
	}
}
