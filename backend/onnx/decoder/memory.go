package decoder

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// checkMemory refuses a checkpoint whose converted weights would not fit in
// the memory the system reports as available. Weights already in the
// compute dtype cost nothing extra: they are read in place from the mapped
// files (the page cache), so only conversions count, plus a margin for ORT's
// activations.
func checkMemory(set *safetensors.Set, dt graph.DType, storage weights.Options) error {
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
		target := dt
		if len(t.Shape) >= 2 {
			switch {
			case storage.Matrices != 0:
				target = storage.Matrices
			case storage.KeepHalf && (t.DType == safetensors.BF16 || t.DType == safetensors.F16):
				continue // read in place
			}
		}
		if native, err := t.DType.Size(); err == nil && native == target.Size() && sameKind(t.DType, target) {
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

// sameKind says whether a safetensors dtype is the graph dtype.
func sameKind(d safetensors.DType, g graph.DType) bool {
	switch d {
	case safetensors.F32:
		return g == graph.Float32
	case safetensors.F64:
		return g == graph.Float64
	case safetensors.BF16:
		return g == graph.BFloat16
	case safetensors.F16:
		return g == graph.Float16
	}
	return false
}

// FitsConverted says whether the checkpoint in dir fits in the memory
// available with every tensor converted to dt (true when memory is
// unknown or the checkpoint cannot be read: Load reports those).
func FitsConverted(dir string, dt graph.DType) bool {
	set, err := safetensors.OpenDir(dir)
	if err != nil {
		return true
	}
	defer set.Close()
	return checkMemory(set, dt, weights.Options{}) == nil
}
