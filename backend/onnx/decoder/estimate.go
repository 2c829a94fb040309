package decoder

import (
	"fmt"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/hf/checkpoint"
)

// Workload is what a run will feed the model, known before it loads (the
// front end counts the tokens): with the checkpoint's config and tensors
// and the load options, all EstimateMemory needs.
type Workload struct {
	// PromptTokens is the prompt's length, image placeholders expanded.
	PromptTokens int
	// Steps is the number of forward steps (--num-tokens): the sequence
	// grows to PromptTokens + Steps − 1 tokens.
	Steps int
	// Images are the prompt's images as the vision tower sees them.
	Images []ImageLoad
	// Knockout: every step is analysed (vlmask run); false for generation
	// only.
	Knockout bool
	// Groups is the most knockout groups a step has; 0 counts one per
	// position, the most a masking strategy can ask for.
	Groups int
	// Recompute: the brute-force method (--method recompute), which keeps
	// every layer's inputs and reruns layers in batches of groups.
	Recompute bool
	// PerHead: per-head vectors and rows (no --skip-per-head);
	// AttentionWeights: --save-attention-weights rows.
	PerHead, AttentionWeights bool
	// Effect: the propagated knockout (--effect), which carries every
	// group's final row through the later layers at once and scores
	// lm_head's output a few rows at a time.
	Effect bool
}

// ImageLoad is one image as the vision tower sees it.
type ImageLoad struct {
	// Patches is the tower's sequence length: image_grid_thw's product for
	// the Qwen towers, the patch grid of a CLIP or SigLIP tower.
	Patches int
	// Tokens is the number of image tokens it stands for in the prompt.
	Tokens int
}

// Estimate is the memory a run needs, in bytes, in four parts that add
// up to Total.
type Estimate struct {
	// Weights are the resident weights (EstimateMemory); Converted is the
	// part held as converted copies rather than read in place.
	Weights, Converted uint64
	// KVCache is every layer's keys and values for the longest sequence.
	KVCache uint64
	// Activations is the largest transient of any stage (Peak) on top of
	// what the sequence keeps: ONNX Runtime's arena, which keeps its
	// largest run (and the casts of weights kept half-size), plus the Go
	// heap with the collector's headroom.
	Activations uint64
	// Runtime is what any run holds besides: the ONNX Runtime library,
	// the sessions, the Go runtime, the results writer.
	Runtime uint64
	// Peak names the stage whose transient is the largest: "vision
	// tower", "prefill", "knockout" or "recompute".
	Peak string
}

// Total is the whole estimate.
func (e Estimate) Total() uint64 { return e.Weights + e.KVCache + e.Activations + e.Runtime }

// String is the estimate, its parts in order in the total's unit:
// "27.4 GiB (weights 16.1, KV cache 0.4, activations 10.9, runtime 0.1)";
// MiB below 1 GiB.
func (e Estimate) String() string {
	unit, div := "GiB", float64(1<<30)
	format := "%.1f"
	if e.Total() < 1<<30 {
		unit, div, format = "MiB", 1<<20, "%.0f"
	}
	f := func(b uint64) string { return fmt.Sprintf(format, float64(b)/div) }
	return fmt.Sprintf("%s %s (weights %s, KV cache %s, activations %s, runtime %s)",
		f(e.Total()), unit, f(e.Weights), f(e.KVCache), f(e.Activations), f(e.Runtime))
}

// FormatBytes is a byte count for people: "21.3 GiB", or "512 MiB" below
// 1 GiB.
func FormatBytes(b uint64) string {
	if b < 1<<30 {
		return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
}

// The estimate's constants, calibrated against the peak resident memory of
// `vlmask run` on a 2-layer model of Qwen3-VL-2B's shapes (README,
// "Memory"): each is the number of tensors of a given shape that one stage
// holds at once, counted from the graphs (blocks) and the runtime's Go code,
// and rounded up where ONNX Runtime's planner could not be read off.
const (
	// runtimeBytes: the ONNX Runtime library, the sessions' graphs, the Go
	// runtime, the results writer's buffered row group (~20 MB) and the
	// plugin host; a text-only run of the test model peaks at about 70 MB
	// above its weights.
	runtimeBytes = 128 << 20
	// goHeapPercent: the Go heap grows past what it holds live until the
	// collector runs, to twice as much with GOGC=100; how far it got at the
	// peak varied from run to run (1.3 to 1.7 times what it held live after
	// a collection, 0.3 GiB between two runs of the same 1536² image).
	goHeapPercent = 200
	// attnCopies: a block of attention scores exists twice at once: as
	// the input and the output of each operator in turn (the logits, the
	// scaled or masked logits, the softmax).
	attnCopies = 2
	// visionWidthCopies: [patches, width] tensors a vision block holds at
	// once, with what ONNX Runtime's arena loses to fragmentation: the
	// residual, the norm, the fused qkv and q, k and v cut from it, the
	// rotated q and k and their halves, the context stacked by the blocked
	// attention, transposed and cut (blocks.Attention), o_proj's output;
	// measured, the arena held 14 of them per patch besides the MLP at
	// 1024² and 1536² (4,096 and 9,216 patches). visionMLPCopies:
	// [patches, intermediate] tensors (fc1 and its activation).
	visionWidthCopies = 14
	visionMLPCopies   = 2
	// decoderHiddenCopies: [tokens, hidden] tensors of a decoder layer's
	// prefill (input, norm, attention output, residual, MLP output, layer
	// output); headsCopies: [tokens, heads·headDim] (q, context stacked,
	// transposed, reshaped); mlpCopies: [tokens, intermediate] (gate, up
	// and their product).
	decoderHiddenCopies = 6
	headsCopies         = 4
	mlpCopies           = 3
	// tailHiddenCopies: [groups, hidden] tensors of the knockout tail
	// (o_proj's output, the residual, the norm, the MLP's output and the
	// update).
	tailHiddenCopies = 5
	// rowBytes is one results row in memory (results.Row and its strings'
	// headers; the strings themselves are shared).
	rowBytes = 256
	// layersInFlight: the layers whose knockout vectors and rows exist at
	// once: the one being computed, the scorer's queue of two (core's
	// scorerQueue) and the one being scored.
	layersInFlight = 4
)

// EstimateMemory estimates the memory a run of w needs on a model with
// checkpoint configuration cfg and tensors, loaded with opts (its DType,
// MatMul, KeepHalfWeights and the attention budget that Memory sizes, as
// Load chooses them): the resident weights, the KV cache of the longest
// sequence, and the largest transient of the vision tower at this image
// size, a layer's prefill, the knockout of a layer (or a recompute batch)
// on top of what the sequence keeps. It is an upper bound by design,
// within about a quarter of the measured peak (README, "Memory").
func EstimateMemory(cfg *checkpoint.Config, tensors []TensorInfo, opts Options, w Workload) Estimate {
	e := Estimate{Runtime: runtimeBytes}
	wb := residentWeights(tensors, cfg.TieWordEmbeddings, opts, len(w.Images) > 0)
	e.Weights, e.Converted = wb.total, wb.converted

	t := cfg.Text
	f := int64(graph.Float32.Size())
	if opts.DType == graph.Float64 {
		f = int64(graph.Float64.Size())
	}
	layers, heads, kvHeads, headDim := int64(t.NumLayers), int64(t.NumHeads), int64(t.NumKVHeads), int64(t.HeadDim)
	hidden, inter := int64(t.HiddenSize), int64(t.IntermediateSize)
	width := heads * headDim
	n := int64(max(w.PromptTokens, 1))
	total := n + int64(max(w.Steps, 1)) - 1
	budget := attnBudget(opts, opts.Memory, opts.Memory > 0)

	e.KVCache = uint64(layers * 2 * kvHeads * total * headDim * f)

	// What the sequence keeps in Go for the whole run: the pixels, the
	// prompt's embeddings (float64), per-layer image additions (DeepStack)
	// and, for recompute, every layer's inputs at every position.
	var kept int64
	levels, imageTokens := int64(0), int64(0)
	if v := cfg.Vision; v != nil {
		levels = int64(len(v.DeepstackVisualIndexes))
	}
	for _, im := range w.Images {
		kept += int64(im.Patches) * patchDim(cfg) * 4
		imageTokens += int64(im.Tokens)
	}
	kept += n*hidden*8 + levels*imageTokens*hidden*8
	dt := graph.Float32
	if f == 8 {
		dt = graph.Float64
	}
	shape := blocks.Decoder{Hidden: hidden, Heads: heads, KVHeads: kvHeads, HeadDim: headDim, Inter: inter}
	if w.Knockout && w.Recompute {
		kept += RecomputeKeptBytes(shape, dt, int(layers), int(total))
	}

	var stages []stage
	for _, im := range w.Images {
		ort, goBytes := visionStage(cfg, im, hidden, levels, budget)
		stages = append(stages, stage{"vision tower", ort, goBytes})
	}
	windows := int64(1)
	if len(t.LayerTypes) > 0 && t.SlidingWindow > 0 {
		windows = 2
	}
	// A layer's prefill of the prompt (later steps run one token).
	prefillORT := f * (n*(decoderHiddenCopies*hidden+headsCopies*width+2*kvHeads*headDim+mlpCopies*inter) +
		attnCopies*blockScores(heads*n, n, budget) + 3*kvHeads*n*headDim + windows*n*n)
	// Go, live: the inputs and masks as fed (their float64 originals are
	// garbage by then, which goHeapPercent covers), the probe's host copies
	// (the final row's logits, the values).
	prefillGo := n*hidden*f + windows*n*total*f + heads*total*8 + kvHeads*total*headDim*8
	stages = append(stages, stage{"prefill", prefillORT, prefillGo})
	if w.Knockout {
		groups := total
		if w.Groups > 0 {
			groups = min(int64(w.Groups), total)
		}
		if w.Recompute {
			limit := opts.RecomputeMemory
			if limit <= 0 {
				limit = DefaultRecomputeMemory
			}
			batch := min(int64(RecomputeBatch(shape, dt, int(layers), int(total), limit)), groups+1)
			ort := f * (batch*total*(headsCopies*width+decoderHiddenCopies*hidden+mlpCopies*inter) +
				attnCopies*blockScores(heads*batch*total, total, budget) + total*total + total*(hidden+2*headDim))
			goBytes := prefillGo + total*total*f + total*hidden*f + (groups+1)*(width+2*hidden)*8
			stages = append(stages, stage{"recompute", ort, goBytes})
		} else {
			rows := groups + 1
			ort := f * rows * (width + tailHiddenCopies*hidden + mlpCopies*inter)
			variants := int64(2)
			if w.PerHead {
				variants += heads
			}
			if w.AttentionWeights {
				variants += heads + 1
			}
			inFlight := min(layers, layersInFlight)
			goBytes := prefillGo + inFlight*(rows*(width+2*hidden)*8+groups*variants*rowBytes) + rows*width*f
			if w.PerHead {
				goBytes += groups * width * 8
			}
			stages = append(stages, stage{"knockout", ort, goBytes})
		}
	}
	if w.Knockout && w.Effect && !w.Recompute {
		stages = append(stages, effectStage(cfg, f, total, w.Groups, budget))
	}
	var ortPeak, goPeak, biggest int64
	for _, s := range stages {
		ortPeak, goPeak = max(ortPeak, s.ort), max(goPeak, s.heap)
		if size := s.ort + goHeap(s.heap); size > biggest {
			biggest, e.Peak = size, s.name
		}
	}
	e.Activations = wb.casts + uint64(ortPeak+goHeap(kept+goPeak))
	return e
}

// goHeap is the Go heap that holds live bytes live.
func goHeap(live int64) int64 { return live * goHeapPercent / 100 }

// visionStage is the vision tower's run on one image: what ONNX Runtime
// holds at once (the pixels' patch rows, a block's tensors of the tower's
// width and MLP width, a block of attention scores, the merger's outputs)
// and what Go holds (the position tables, the features in float64).
func visionStage(cfg *checkpoint.Config, im ImageLoad, hidden, levels, budget int64) (ort, goBytes int64) {
	v := cfg.Vision
	if v == nil {
		return 0, 0
	}
	p, tokens := int64(im.Patches), int64(im.Tokens)
	width, inter, heads := int64(v.HiddenSize), int64(v.IntermediateSize), int64(max(v.NumHeads, 1))
	outputs := tokens * hidden * (1 + levels)
	ort = 4 * (p*(patchDim(cfg)+visionWidthCopies*width+visionMLPCopies*inter) + attnCopies*blockScores(heads*p, p, budget) + outputs)
	goBytes = 4*p*(width+2*width/heads) + 8*outputs
	return ort, goBytes
}

// patchDim is the length of one patch row of pixels.
func patchDim(cfg *checkpoint.Config) int64 {
	v := cfg.Vision
	if v == nil {
		return 0
	}
	return int64(max(v.InChannels, 1) * max(v.TemporalPatchSize, 1) * v.PatchSize * v.PatchSize)
}

// blockScores is how many attention scores one block of queries holds
// when rows queries of perRow scores each are computed under budget
// (blocks.G.Attention: K = ⌈rows / ⌊budget/perRow⌋⌉ blocks of ⌈rows/K⌉
// rows, at least one row); all of them without a budget.
func blockScores(perRow, rows, budget int64) int64 {
	if rows <= 0 || perRow <= 0 {
		return 0
	}
	if budget <= 0 {
		return perRow * rows
	}
	per := max(budget/perRow, 1)
	k := (rows + per - 1) / per
	return perRow * ((rows + k - 1) / k)
}

// stage is one part of a run: what ONNX Runtime allocates (its arena keeps
// the largest) and what Go holds besides the sequence's kept state.
type stage struct {
	name      string
	ort, heap int64
}

// effectHeadRows is how many rows of lm_head one propagated-knockout head
// product scores (core's effectHeadBudget of 16M float64 logits).
func effectHeadRows(vocab int64) int64 { return max(1, (16<<20)/max(vocab, 1)) }

// effectStage is the propagated knockout's peak (--effect): the groups'
// final rows through a later layer, as many at once as the attention
// budget holds the scores of (every cached position, every head; all of
// them without a budget) — the rows, their attention context and the MLP's
// products, in the compute dtype f — and lm_head over effectHeadRows rows,
// whose logits Go copies and scores in float64.
func effectStage(cfg *checkpoint.Config, f, total int64, groups int, budget int64) stage {
	t := cfg.Text
	hidden, inter, vocab := int64(t.HiddenSize), int64(t.IntermediateSize), int64(t.VocabSize)
	width := int64(t.NumHeads) * int64(t.HeadDim)
	rows := total
	if groups > 0 {
		rows = min(int64(groups), total)
	}
	if heads := int64(t.NumHeads); budget > 0 {
		rows = min(rows, max(1, budget/(heads*total)))
	}
	head := min(rows, effectHeadRows(vocab))
	ort := f*rows*(decoderHiddenCopies*hidden+headsCopies*width+mlpCopies*inter+2*int64(t.NumHeads)*total) + f*head*(vocab+hidden)
	heap := rows*hidden*8*3 + head*(vocab+hidden)*8*2
	return stage{"effect", ort, heap}
}
