package testmodel

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/vlmask/vlmask/hf/safetensors"
)

// maxShardBytes is the largest weight file Generate writes before it
// splits the weights into shards described by model.safetensors.index.json
// (a tensor larger than this gets a shard of its own). The weights of one
// shard are held in memory while it is written, so this bounds the memory
// Generate needs for the large presets.
const maxShardBytes = 1 << 30

// indexFileName is the sharded checkpoint's index.
const indexFileName = safetensors.IndexFileName

// shard is one weight file and the tensors it holds.
type shard struct {
	file    string
	tensors []TensorSpec
}

// planShards splits the tensors, in order, into files of at most maxBytes
// of data each, as transformers' save_pretrained does; one shard is
// model.safetensors, several are model-0000i-of-0000n.safetensors.
func planShards(p *Plan, maxBytes int64) []shard {
	var shards []shard
	var cur []TensorSpec
	var size int64
	for _, t := range p.Tensors {
		b := t.NumElements() * p.ElementSize()
		if len(cur) > 0 && size+b > maxBytes {
			shards = append(shards, shard{tensors: cur})
			cur, size = nil, 0
		}
		cur = append(cur, t)
		size += b
	}
	if len(cur) > 0 {
		shards = append(shards, shard{tensors: cur})
	}
	for i := range shards {
		shards[i].file = safetensors.SingleFileName
		if len(shards) > 1 {
			shards[i].file = fmt.Sprintf("model-%05d-of-%05d.safetensors", i+1, len(shards))
		}
	}
	return shards
}

// writeWeights draws the plan's tensors and writes them into dir, one shard
// at a time, with the index when there are several shards. It returns the
// names of the files it wrote. All shards are drawn into one reused buffer,
// the size of the largest shard, so memory is touched once and never more
// than one shard's worth is held.
func writeWeights(dir string, p *Plan, maxBytes int64) ([]string, error) {
	dtype := safetensors.F32
	if p.DType == DTypeBFloat16 {
		dtype = safetensors.BF16
	}
	shards := planShards(p, maxBytes)
	var largest int64
	for _, s := range shards {
		largest = max(largest, s.bytes(p))
	}
	arena := make([]byte, largest)
	var written []string
	weightMap := map[string]string{}
	for _, s := range shards {
		tensors := make([]safetensors.Tensor, 0, len(s.tensors))
		var off int64
		for _, spec := range s.tensors {
			data := arena[off : off+spec.NumElements()*p.ElementSize() : off+spec.NumElements()*p.ElementSize()]
			off += int64(len(data))
			drawTensor(data, spec, p.Seed, p.DType)
			tensors = append(tensors, safetensors.Tensor{
				Name: spec.Name, DType: dtype, Shape: slices.Clone(spec.Shape), Data: data,
			})
			weightMap[spec.Name] = s.file
		}
		if err := safetensors.WriteFile(filepath.Join(dir, s.file), tensors, map[string]string{"format": "pt"}); err != nil {
			return written, err
		}
		written = append(written, s.file)
	}
	if len(shards) > 1 {
		index, err := encodeIndented(map[string]any{
			"metadata":   map[string]any{"total_size": p.WeightBytes()},
			"weight_map": weightMap,
		}, "  ", true)
		if err != nil {
			return written, err
		}
		if err := writeFile(filepath.Join(dir, indexFileName), index); err != nil {
			return written, err
		}
		written = append(written, indexFileName)
	}
	return written, nil
}

// bytes is the size of the shard's tensor data.
func (s shard) bytes(p *Plan) int64 {
	var n int64
	for _, t := range s.tensors {
		n += t.NumElements() * p.ElementSize()
	}
	return n
}
