package decoder

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// checkMemory refuses a checkpoint whose converted weights would not fit in
// avail bytes (the memory the system reports as available). Weights already
// in the compute dtype cost nothing extra here: they are read in place from
// the mapped files (the page cache), so only conversions count, plus a
// margin for ORT's activations. It is Load's last line of defence; the
// estimate of a whole run (EstimateMemory) is checked before Load by the
// caller, who knows the prompt.
func checkMemory(set *safetensors.Set, dt graph.DType, storage weights.Options, avail uint64) error {
	var need uint64
	for _, name := range set.Names() {
		t, err := set.Tensor(name)
		if err != nil {
			return err
		}
		target := weights.StorageDType(t.DType, len(t.Shape), dt, storage)
		if weights.InPlace(t.DType, target) {
			continue // read in place
		}
		need += uint64(t.NumElements()) * uint64(target.Size())
	}
	const margin = 512 << 20
	if need+margin > avail {
		return fmt.Errorf("the weights need %.1f GiB once converted to %v, but only %.1f GiB of memory is available: %w",
			gib(need), dt, gib(avail), ErrOutOfMemory)
	}
	return nil
}

func gib(b uint64) float64 { return float64(b) / (1 << 30) }

// memoryFor is the memory Load and the estimate count on: opts.Memory
// when set, else what the system reports (known false when it reports
// nothing).
func memoryFor(opts Options) (avail uint64, known bool) {
	if opts.Memory > 0 {
		return opts.Memory, true
	}
	return AvailableMemory()
}
