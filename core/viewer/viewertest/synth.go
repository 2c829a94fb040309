package viewertest

import (
	"fmt"
	"math"
	"strconv"

	"github.com/vlmask/vlmask/core/results"
)

// Shape describes a synthetic run.
type Shape struct {
	Steps, Layers, Heads int
	// TextBefore and TextAfter are the text tokens before and after the
	// image tokens of the prompt; generated tokens follow them.
	TextBefore, TextAfter int
	// Images are the images' merged-token grids (rows, cols), in order.
	Images [][2]int
	// AttentionWeights adds the AttentionWeight_* variants.
	AttentionWeights bool
	// Metrics names extra metric columns.
	Metrics []string
	// Incomplete marks the file as an interrupted run: it records Steps
	// finished steps of Steps+1 asked for.
	Incomplete bool
	// RowGroupRows is the Parquet row-group size (0: the default).
	RowGroupRows int
	// ImagePaths are recorded as the run's images (vlmask.images).
	ImagePaths []string
}

// Variants lists the shape's variants in row order.
func (s Shape) Variants() []string {
	v := []string{results.VariantFull, results.VariantAttn}
	for h := range s.Heads {
		v = append(v, results.VariantHeadPrefix+strconv.Itoa(h))
	}
	if s.AttentionWeights {
		for h := range s.Heads {
			v = append(v, results.VariantAttentionWeightHeadPrefix+strconv.Itoa(h))
		}
		v = append(v, results.VariantAttentionWeightAvg)
	}
	return v
}

// PromptLen is the number of prompt tokens.
func (s Shape) PromptLen() int {
	n := s.TextBefore + s.TextAfter
	for _, g := range s.Images {
		n += g[0] * g[1]
	}
	return n
}

// Rows is the number of rows the shape writes.
func (s Shape) Rows() int64 {
	var n int64
	for step := range s.Steps {
		n += int64(s.Layers) * int64(s.PromptLen()+step) * int64(len(s.Variants()))
	}
	return n
}

// Value is the l2_distance of a row; cosine_distance is Value/100 and a
// metric column m holds Value·(m+2).
func Value(step, layer, pos, variant int) float64 {
	x := float64(step*7919+layer*104729+pos*31+variant*7) * 0.618033988749895
	return 0.01 + (x-math.Floor(x))*float64(1+layer%5)
}

// Token is the token at position pos of step step.
func (s Shape) Token(pos int) results.Row {
	r := results.Row{TokenPosition: pos, ImageIndex: -1, PatchRow: -1, PatchCol: -1, GroupSize: 1, Modality: results.ModalityText}
	if pos < s.TextBefore {
		r.TokenID, r.TokenMasked = 100+pos, fmt.Sprintf("t%d", pos)
		r.GroupLabel = r.TokenMasked
		return r
	}
	p := pos - s.TextBefore
	for i, g := range s.Images {
		if p < g[0]*g[1] {
			r.TokenID, r.TokenMasked, r.Modality = 510, "<|image_pad|>", results.ModalityImage
			r.ImageIndex, r.PatchRow, r.PatchCol = i, p/g[1], p%g[1]
			r.GroupLabel = fmt.Sprintf("img%d r%d c%d", i, r.PatchRow, r.PatchCol)
			return r
		}
		p -= g[0] * g[1]
	}
	r.TokenID, r.TokenMasked = 200+pos, fmt.Sprintf(" w%d", pos)
	r.GroupLabel = r.TokenMasked
	return r
}

// Write writes the shape to base.parquet and returns its path.
func Write(base string, s Shape) (string, error) {
	steps := s.Steps
	if s.Incomplete {
		steps++
	}
	w, err := results.Create(base, results.Options{
		MetricColumns: s.Metrics,
		RowGroupRows:  s.RowGroupRows,
		Metadata: map[string]string{
			"vlmask.num_tokens":    strconv.Itoa(steps),
			"vlmask.generated_ids": generatedIDs(s.Steps),
			"vlmask.prompt_name":   "synthetic",
			"vlmask.images":        results.ImagesValue(s.ImagePaths),
		},
	})
	if err != nil {
		return "", err
	}
	variants := s.Variants()
	var batch []results.Row
	for step := range s.Steps {
		for layer := range s.Layers {
			for pos := range s.PromptLen() + step {
				base := s.Token(pos)
				base.Step, base.Layer = step, layer
				for vi, v := range variants {
					r := base
					r.Variant = v
					r.L2Distance = Value(step, layer, pos, vi)
					r.CosineDistance = r.L2Distance / 100
					if len(v) > 16 && v[:16] == "AttentionWeight_" {
						r.CosineDistance = 0
						r.AttentionWeight, r.HasAttentionWeight = r.L2Distance, true
					}
					if len(s.Metrics) > 0 {
						r.Metrics = make([]float64, len(s.Metrics))
						for m := range r.Metrics {
							r.Metrics[m] = r.L2Distance * float64(m+2)
						}
					}
					batch = append(batch, r)
				}
			}
			if len(batch) >= 1<<14 {
				if err := w.Write(batch); err != nil {
					w.Abort()
					return "", err
				}
				batch = batch[:0]
			}
		}
	}
	if err := w.Write(batch); err != nil {
		w.Abort()
		return "", err
	}
	if err := w.SetProgress(s.Steps, !s.Incomplete); err != nil {
		w.Abort()
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return base + results.FormatParquet.Extension(), nil
}

// generatedIDs is the JSON list of the tokens a run of steps steps
// generated: 300, 301, ...
func generatedIDs(steps int) string {
	out := "["
	for i := range steps {
		if i > 0 {
			out += ","
		}
		out += strconv.Itoa(300 + i)
	}
	return out + "]"
}

// TenMillion is the shape of the viewer's benchmark and memory test: a
// Qwen3-VL-4B-sized run (36 layers, 32 heads, attention weights, so 67
// variants) on one 16×16-token image and a 28-token prompt, 15 steps:
// 10,528,380 rows.
func TenMillion() Shape {
	return Shape{Steps: 15, Layers: 36, Heads: 32, TextBefore: 6, TextAfter: 22, Images: [][2]int{{16, 16}}, AttentionWeights: true}
}
