package decoder

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// checkMemory refuses a checkpoint whose converted weights would not fit in
// the memory the system reports as available. Weights already in the
// compute dtype cost nothing extra: they are read in place from the mapped
// files (the page cache), so only conversions count, plus a margin for ORT's
// activations.
func checkMemory(set *safetensors.Set, dt graph.DType) error {
	avail, ok := availableMemory()
	if !ok {
		return nil
	}
	var need uint64
	for _, name := range set.Names() {
		t, err := set.Tensor(name)
		if err != nil {
			return err
		}
		if dt == graph.Float32 && t.DType == safetensors.F32 {
			continue
		}
		need += uint64(t.NumElements()) * uint64(dt.Size())
	}
	const margin = 512 << 20
	if need+margin > avail {
		return fmt.Errorf("the weights need %.1f GiB once converted to %v, but only %.1f GiB of memory is available: %w",
			gib(need), dt, gib(avail), ErrOutOfMemory)
	}
	return nil
}

func gib(b uint64) float64 { return float64(b) / (1 << 30) }
