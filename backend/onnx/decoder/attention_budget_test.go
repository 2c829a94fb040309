package decoder

import (
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/ort"
)

func TestAttnBudget(t *testing.T) {
	cpu, cuda := ort.SessionOptions{}, ort.SessionOptions{Device: ort.Device{Kind: ort.CUDA}}
	for _, tc := range []struct {
		name  string
		opts  Options
		avail uint64
		known bool
		want  int64
	}{
		{"cpu, 8 GiB available: a 1024th in scores", Options{Session: cpu}, 8 << 30, true, 8 << 20},
		{"cpu, plenty: capped", Options{Session: cpu}, 1 << 40, true, maxAttnBudget},
		{"cpu, little: floored", Options{Session: cpu}, 512 << 20, true, minAttnBudget},
		{"cpu, memory unknown", Options{Session: cpu}, 0, false, maxAttnBudget},
		{"cuda: whole", Options{Session: cuda}, 22 << 30, true, 0},
		{"asked for", Options{Session: cuda, AttnBudget: 7}, 22 << 30, true, 7},
		{"never", Options{Session: cpu, AttnBudget: -1}, 22 << 30, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := attnBudget(tc.opts, tc.avail, tc.known); got != tc.want {
				t.Errorf("attnBudget = %d, want %d", got, tc.want)
			}
		})
	}
}
