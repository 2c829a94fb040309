package testmodel

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// chunkElems is how many values one random stream draws. Streams are keyed
// by (seed, tensor name, chunk index), so the values do not depend on how
// many goroutines draw them.
const chunkElems = 1 << 20

// drawTensor fills dst with spec's values drawn from N(spec.Mean,
// spec.Std²), little-endian in dtype (float32, or bfloat16 rounded to
// nearest even from the float32 value), using every available CPU. dst
// must hold exactly spec.NumElements() values of dtype.
func drawTensor(dst []byte, spec TensorSpec, seed uint64, dtype string) {
	n := spec.NumElements()
	size := int64(4)
	if dtype == DTypeBFloat16 {
		size = 2
	}
	chunks := (n + chunkElems - 1) / chunkElems
	workers := min(int64(runtime.GOMAXPROCS(0)), chunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := next.Add(1) - 1; c < chunks; c = next.Add(1) - 1 {
				drawChunk(dst, spec, seed, c, n, size)
			}
		})
	}
	wg.Wait()
}

// drawChunk fills values [c·chunkElems, min(n, (c+1)·chunkElems)) of buf
// from chunk c's own PCG stream.
func drawChunk(buf []byte, spec TensorSpec, seed uint64, c, n, size int64) {
	r := rand.New(rand.NewPCG(seed, streamKey(spec.Name, c)))
	end := min(n, (c+1)*chunkElems)
	for i := c * chunkElems; i < end; i++ {
		v := float32(spec.Mean + spec.Std*r.NormFloat64())
		if size == 2 {
			binary.LittleEndian.PutUint16(buf[2*i:], bfloat16Bits(v))
		} else {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
	}
}

// streamKey derives the second PCG seed of a tensor's chunk from its name
// (FNV-1a) and the chunk index (mixed in with SplitMix64's finalizer).
func streamKey(name string, chunk int64) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	z := h.Sum64() + uint64(chunk+1)*0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// bfloat16Bits rounds f to bfloat16, to nearest with ties to even, as
// PyTorch's float32-to-bfloat16 conversion does; NaN stays a quiet NaN.
func bfloat16Bits(f float32) uint16 {
	b := math.Float32bits(f)
	if f != f {
		return uint16(b>>16) | 0x0040
	}
	return uint16((b + 0x7FFF + (b>>16)&1) >> 16)
}
