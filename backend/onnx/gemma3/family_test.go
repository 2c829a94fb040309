package gemma3

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/familytest"
)

// specOf loads dir's config and describes it.
func specOf(t *testing.T, dir string) (decoder.Spec, error) {
	t.Helper()
	return familytest.Spec(t, dir, NewSpec)
}

// editText edits config.json's text_config.
func editText(t *testing.T, dir string, edits map[string]any) {
	t.Helper()
	familytest.EditConfig(t, dir, func(cfg map[string]any) {
		text := cfg["text_config"].(map[string]any)
		for k, v := range edits {
			text[k] = v
		}
	})
}

// TestSpec: each layer's rotary table and window follow layer_types (local
// RoPE and the window for sliding layers, the linearly scaled global RoPE
// for full ones), embeddings are scaled by √hidden rounded to float32,
// attention by query_pre_attn_scalar^-½, and neither soft cap of the
// config applies, as in transformers' Gemma 3.
func TestSpec(t *testing.T) {
	t.Parallel()
	dir := tinyCheckpoint(t, 2, nil)
	editText(t, dir, map[string]any{"attn_logit_softcapping": 50.0, "final_logit_softcapping": 30.0})
	spec, err := specOf(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []decoder.Layer{{Rope: localRope, Window: 8}, {Rope: localRope, Window: 8}, {Rope: globalRope}, {Rope: localRope, Window: 8}}
	if !slices.Equal(spec.Layers, want) {
		t.Errorf("layers %+v, want %+v", spec.Layers, want)
	}
	if g, l := spec.Ropes[globalRope].InvFreq, spec.Ropes[localRope].InvFreq; g[0] != 1.0/8 || l[0] != 1 ||
		g[3] != blocks.RopeInvFreq(1e6, 16, 0)[3]/8 || l[3] != blocks.RopeInvFreq(1e4, 16, 0)[3] {
		t.Errorf("global %v local %v", g, l)
	}
	d := spec.Decoder
	if d.Softcap != 0 || spec.Head.Softcap != 0 {
		t.Errorf("soft caps %v %v: transformers' Gemma 3 applies neither", d.Softcap, spec.Head.Softcap)
	}
	if d.Scale != 1/math.Sqrt(24) || d.Norm != blocks.OffsetRMSNorm || !d.Sandwich || !d.QKNorm || !spec.BidirectionalImages {
		t.Errorf("decoder %+v bidirectional %v", d, spec.BidirectionalImages)
	}
	if spec.EmbedScale != 8 || spec.Head.Unembed != spec.Embedding {
		t.Errorf("embed scale %v, head %s", spec.EmbedScale, spec.Head.Unembed)
	}
	// Gemma-3-4B's width: √2560 = 50.596443…, held as a float32.
	editText(t, dir, map[string]any{"hidden_size": 2560})
	if spec, err = specOf(t, dir); err != nil {
		t.Fatal(err)
	}
	if want := float64(float32(math.Sqrt(2560))); spec.EmbedScale != want || want == math.Sqrt(2560) {
		t.Errorf("embed scale %.17g, want float32 √2560 = %.17g", spec.EmbedScale, want)
	}
}

// TestRefusals: an encoder config (use_bidirectional_attention) and RoPE
// scalings other than linear are refused naming the field.
func TestRefusals(t *testing.T) {
	t.Parallel()
	for field, edit := range map[string]map[string]any{
		"use_bidirectional_attention": {"use_bidirectional_attention": true},
		"rope_scaling":                {"rope_scaling": map[string]any{"rope_type": "yarn", "factor": 4.0}},
		"hidden_activation":           {"hidden_activation": "relu2"},
	} {
		dir := tinyCheckpoint(t, 1, nil)
		editText(t, dir, edit)
		if _, err := specOf(t, dir); !errors.Is(err, decoder.ErrUnsupported) || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: %v", field, err)
		}
	}
}

// imagePrompt is <bos>, <start_of_image>, 16 soft tokens, <end_of_image>
// and text, with a random 64×64 image.
func imagePrompt() *core.Prompt {
	p := &core.Prompt{IDs: []int{2, 6, 300, 563}}
	for range 16 {
		p.IDs = append(p.IDs, 565)
	}
	p.IDs = append(p.IDs, 564, 400, 410, 420, 7, 6, 430)
	for r := range p.Positions {
		for i := range p.IDs {
			p.Positions[r] = append(p.Positions[r], int64(i))
		}
	}
	p.Images = []core.Image{familytest.RandomImage(64, 4)}
	return p
}

// forward runs a prompt and returns the final logits.
func forward(t *testing.T, m *decoder.Model, p *core.Prompt) []float64 {
	t.Helper()
	ctx := context.Background()
	seq, err := m.Start(ctx, p, core.SequenceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer seq.Close()
	logits, err := seq.Forward(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	return logits
}

// TestLayoutsAndNoTower: the same weights give the same logits under the
// newer module layout's names; a checkpoint without tower and projector
// runs text and refuses images naming the missing tensor.
func TestLayoutsAndNoTower(t *testing.T) {
	rt := orttest.Runtime(t)
	_, m := loadConfigDir(t, rt, tinyCheckpoint(t, 7, nil), decoder.Options{})
	want := forward(t, m, imagePrompt())
	nested := tinyCheckpoint(t, 7, nil)
	familytest.RewriteTensors(t, nested, func(ts []safetensors.Tensor) []safetensors.Tensor {
		for i := range ts {
			if n := &ts[i].Name; strings.HasPrefix(*n, "language_model.model.") {
				*n = "model.language_model." + strings.TrimPrefix(*n, "language_model.model.")
			} else {
				*n = "model." + *n
			}
		}
		return ts
	})
	_, m2 := loadConfigDir(t, rt, nested, decoder.Options{})
	if got := forward(t, m2, imagePrompt()); !slices.Equal(got, want) {
		t.Error("the nested layout gives other logits")
	}

	text := tinyCheckpoint(t, 7, nil)
	familytest.RewriteTensors(t, text, func(ts []safetensors.Tensor) []safetensors.Tensor {
		return slices.DeleteFunc(ts, func(x safetensors.Tensor) bool { return !strings.HasPrefix(x.Name, "language_model.") })
	})
	_, m3 := loadConfigDir(t, rt, text, decoder.Options{})
	p := &core.Prompt{IDs: []int{2, 6, 300, 301, 7}}
	for r := range p.Positions {
		p.Positions[r] = []int64{0, 1, 2, 3, 4}
	}
	if len(forward(t, m3, p)) != 576 {
		t.Error("text prompt without a tower")
	}
	if _, err := m3.EncodeImage(context.Background(), familytest.RandomImage(64, 1)); !errors.Is(err, decoder.ErrUnsupported) ||
		!strings.Contains(err.Error(), "vision_tower.vision_model.embeddings.patch_embedding.weight") {
		t.Errorf("EncodeImage: %v", err)
	}
}
