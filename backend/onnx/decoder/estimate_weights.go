package decoder

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/hf/safetensors"
)

// TensorInfo is one checkpoint tensor as the memory estimate sees it: its
// name, dtype and shape (the safetensors header, no data).
type TensorInfo struct {
	Name  string
	DType safetensors.DType
	Shape []int64
}

// Tensors lists the tensors of a checkpoint for EstimateMemory.
func Tensors(set *safetensors.Set) ([]TensorInfo, error) {
	names := set.Names()
	out := make([]TensorInfo, 0, len(names))
	for _, name := range names {
		t, err := set.Tensor(name)
		if err != nil {
			return nil, fmt.Errorf("memory estimate: %w", err)
		}
		out = append(out, TensorInfo{Name: name, DType: t.DType, Shape: t.Shape})
	}
	return out, nil
}

// weightBytes is what a run's weights cost: total resident (converted
// the part held as converted copies) and casts, ONNX Runtime's transient
// for weights kept half-size.
type weightBytes struct {
	total, converted, casts uint64
}

// castGraphs is how many graphs' casts ONNX Runtime's arena keeps at once
// (see residentWeights).
const castGraphs = 2

// residentWeights is the weight memory a run holds, as Load stores it:
// every tensor in the dtype its weight store hands it over in
// (weights.StorageDType; the vision tower's store computes in float32 and
// never stores matrices in a half-precision MatMul dtype). A tensor
// converted at load is a copy that stays resident whatever the prompt. One
// read in place is resident once the run reads it from the mapped file:
// the vision tower's only when there are images (text prompts never run
// it), and an untied token embedding never (the run reads only its
// prompt's rows).
//
// Matrices kept half-size (Options.KeepHalfWeights) are cast to the
// compute dtype inside their graph on every run, and the casts are
// ONNX Runtime's to keep: measured, its arena held those of the two graphs
// that cast the most (a graph's freed casts are pieces too small for the
// next graph's largest), the head's lm_head and one layer's matrices on a
// text prompt, the vision tower's and the head's with an image.
func residentWeights(tensors []TensorInfo, tied bool, opts Options, images bool) weightBytes {
	dt := opts.DType
	if dt == 0 {
		dt = graph.Float32
	}
	decoder := weights.Options{KeepHalf: opts.KeepHalfWeights}
	if opts.MatMul == graph.BFloat16 || opts.MatMul == graph.Float16 {
		decoder.Matrices = opts.MatMul
	}
	vision := weights.Options{KeepHalf: opts.KeepHalfWeights}
	var w weightBytes
	casts := map[string]uint64{} // by graph
	for _, t := range tensors {
		size, err := t.DType.Size()
		if err != nil || !floatTensor(t.DType) || !tied && embeddingTensor(t.Name) {
			continue // not a weight a store hands over, or read by rows
		}
		n := uint64(1)
		for _, d := range t.Shape {
			n *= uint64(max(d, 0))
		}
		isVision := visionTensor(t.Name)
		compute := dt
		target := weights.StorageDType(t.DType, len(t.Shape), dt, decoder)
		if isVision {
			compute = graph.Float32
			target = weights.StorageDType(t.DType, len(t.Shape), graph.Float32, vision)
		}
		switch {
		case !weights.InPlace(t.DType, target):
			b := n * uint64(target.Size())
			w.total += b
			w.converted += b
			continue
		case isVision && !images:
			continue
		}
		w.total += n * uint64(size)
		if target != compute && decoder.Matrices == 0 {
			casts[graphOf(t.Name)] += n * uint64(compute.Size())
		}
	}
	largest := slices.Sorted(maps.Values(casts))
	for i := len(largest) - 1; i >= 0 && i >= len(largest)-castGraphs; i-- {
		w.casts += largest[i]
	}
	return w
}

// graphOf names the graph that reads a weight: the vision tower, one
// decoder layer (its layer, tail and recompute graphs run one at a time),
// or the head.
func graphOf(name string) string {
	if visionTensor(name) {
		return "vision"
	}
	if _, rest, ok := strings.Cut(name, ".layers."); ok {
		n, _, _ := strings.Cut(rest, ".")
		return "layer " + n
	}
	return "head"
}

// visionTensor says whether a checkpoint tensor belongs to the vision tower
// or its projector, in every layout the families read: Qwen's visual.*
// (under model. or not), LLaVA's and Gemma 3's vision_tower.* and
// multi_modal_projector.*.
func visionTensor(name string) bool {
	name = "." + name
	for _, part := range []string{".visual.", ".vision_tower.", ".multi_modal_projector."} {
		if strings.Contains(name, part) {
			return true
		}
	}
	return false
}

// floatTensor says whether d is a dtype the weight stores read.
func floatTensor(d safetensors.DType) bool {
	switch d {
	case safetensors.F32, safetensors.F64, safetensors.BF16, safetensors.F16:
		return true
	}
	return false
}

// embeddingTensor says whether a tensor is the decoder's token embedding
// (embed_tokens.weight under any prefix).
func embeddingTensor(name string) bool {
	return strings.HasSuffix(name, "embed_tokens.weight")
}
