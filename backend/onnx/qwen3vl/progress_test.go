package qwen3vl

import (
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/internal/golden"
)

// TestLoadReportsProgress: Options.Progress hears every session once, in
// order, up to the total (per layer a decoder, a tail and, with Recompute,
// a recompute session; the head; the vision tower).
func TestLoadReportsProgress(t *testing.T) {
	rt := orttest.Runtime(t)
	tests := map[string]struct {
		recompute  bool
		perLayer   int
		withVision bool
	}{
		"qwen3_vl_basic": {recompute: true, perLayer: 3, withVision: true},
		"qwen3_text":     {perLayer: 2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := golden.Cases(t, name)[0]
			var calls [][2]int
			m := loadDir(t, rt, c.Checkpoint(), decoder.Options{Recompute: tc.recompute, Progress: func(done, total int) {
				calls = append(calls, [2]int{done, total})
			}})
			want := m.Spec().NumLayers*tc.perLayer + 1
			if tc.withVision {
				want++
			}
			if len(calls) != want {
				t.Fatalf("%d progress calls, want %d: %v", len(calls), want, calls)
			}
			for i, call := range calls {
				if call != [2]int{i + 1, want} {
					t.Fatalf("call %d = %v, want [%d %d]", i, call, i+1, want)
				}
			}
		})
	}
}
