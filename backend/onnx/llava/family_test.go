package llava

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/blocks"
	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/familytest"
)

// forward runs a prompt (with its image) and returns the final logits and
// the image's embeddings.
func forward(t *testing.T, m *decoder.Model, p *core.Prompt) (logits, embeds []float64) {
	t.Helper()
	ctx := context.Background()
	if len(p.Images) > 0 {
		f, err := m.EncodeImage(ctx, p.Images[0])
		if err != nil {
			t.Fatal(err)
		}
		embeds = f.Embeds
	}
	seq, err := m.Start(ctx, p, core.SequenceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer seq.Close()
	if logits, err = seq.Forward(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return logits, embeds
}

// imagePrompt is BOS, 16 image tokens and a few text tokens, with a
// random 56×56 image.
func imagePrompt() *core.Prompt {
	p := &core.Prompt{IDs: []int{1, 300, 301}}
	for range 16 {
		p.IDs = append(p.IDs, 564)
	}
	p.IDs = append(p.IDs, 400, 410, 420)
	for r := range p.Positions {
		for i := range p.IDs {
			p.Positions[r] = append(p.Positions[r], int64(i))
		}
	}
	p.Images = []core.Image{familytest.RandomImage(56, 4)}
	return p
}

// TestLayouts: the same weights give the same logits under the newer
// module layout's tensor names (model.language_model.*, lm_head.weight,
// model.vision_tower.*, model.multi_modal_projector.*), and a tied head
// reads the embeddings.
func TestLayouts(t *testing.T) {
	rt := orttest.Runtime(t)
	published := tinyCheckpoint(t, 7, nil)
	_, m := loadConfigDir(t, rt, published, decoder.Options{})
	want, wantEmbeds := forward(t, m, imagePrompt())

	nested := tinyCheckpoint(t, 7, nil)
	familytest.RewriteTensors(t, nested, func(ts []safetensors.Tensor) []safetensors.Tensor {
		for i := range ts {
			n := &ts[i].Name
			switch {
			case strings.HasPrefix(*n, "language_model.model."):
				*n = "model.language_model." + strings.TrimPrefix(*n, "language_model.model.")
			case *n == "language_model.lm_head.weight":
				*n = "lm_head.weight"
			default:
				*n = "model." + *n
			}
		}
		return ts
	})
	_, m2 := loadConfigDir(t, rt, nested, decoder.Options{})
	got, gotEmbeds := forward(t, m2, imagePrompt())
	if !slices.Equal(got, want) || !slices.Equal(gotEmbeds, wantEmbeds) {
		t.Error("the nested layout gives other logits or image embeddings")
	}

	tied := tinyCheckpoint(t, 7, map[string]any{"tie_word_embeddings": true})
	familytest.RewriteTensors(t, tied, func(ts []safetensors.Tensor) []safetensors.Tensor {
		return slices.DeleteFunc(ts, func(x safetensors.Tensor) bool { return x.Name == "language_model.lm_head.weight" })
	})
	cfg, err := checkpoint.Load(tied)
	if err != nil {
		t.Fatal(err)
	}
	set, err := safetensors.OpenDir(tied)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	spec, err := NewSpec(cfg, set)
	if err != nil {
		t.Fatal(err)
	}
	if spec.Head.Unembed != "language_model.model.embed_tokens.weight" {
		t.Errorf("tied head reads %s", spec.Head.Unembed)
	}
	loadConfigDir(t, rt, tied, decoder.Options{})
}

// TestNoVisionTower: a checkpoint saved without its tower and projector
// runs text prompts; an image gets ErrUnsupported naming the missing
// tensor.
func TestNoVisionTower(t *testing.T) {
	rt := orttest.Runtime(t)
	dir := tinyCheckpoint(t, 3, nil)
	familytest.RewriteTensors(t, dir, func(ts []safetensors.Tensor) []safetensors.Tensor {
		return slices.DeleteFunc(ts, func(x safetensors.Tensor) bool { return !strings.HasPrefix(x.Name, "language_model.") })
	})
	_, m := loadConfigDir(t, rt, dir, decoder.Options{})
	p := &core.Prompt{IDs: []int{1, 300, 301, 302}}
	for r := range p.Positions {
		p.Positions[r] = []int64{0, 1, 2, 3}
	}
	if logits, _ := forward(t, m, p); len(logits) != 576 {
		t.Errorf("%d logits", len(logits))
	}
	_, err := m.EncodeImage(context.Background(), familytest.RandomImage(56, 1))
	if !errors.Is(err, decoder.ErrUnsupported) || !strings.Contains(err.Error(), "vision_tower.vision_model.embeddings.patch_embedding.weight") {
		t.Errorf("EncodeImage: %v", err)
	}
}

// TestRopeAndRefusals: rope_scaling "linear" divides the frequencies,
// "llama3" rescales them, other types and unknown activations are refused
// naming the field.
func TestRopeAndRefusals(t *testing.T) {
	t.Parallel()
	base := checkpoint.TextConfig{HeadDim: 16, RopeTheta: 1e4, RopeType: "default", HiddenAct: "silu"}
	plain := blocks.RopeInvFreq(1e4, 16, 0)
	linear := base
	linear.RopeType, linear.RopeScaling.Factor = "linear", 4
	r, err := ropeTable(linear)
	if err != nil || r.InvFreq[3] != plain[3]/4 {
		t.Errorf("linear: %v %v", r.InvFreq, err)
	}
	llama3 := base
	llama3.RopeType = "llama3"
	llama3.RopeScaling = checkpoint.RopeScaling{Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositionEmbeddings: 64}
	if r, err := ropeTable(llama3); err != nil || slices.Equal(r.InvFreq, plain) || r.InvFreq[0] != plain[0] {
		t.Errorf("llama3: %v %v", r.InvFreq, err)
	}
	for _, bad := range []string{"dynamic", "yarn", "longrope"} {
		tc := base
		tc.RopeType, tc.RopeScaling.Factor = bad, 2
		if _, err := ropeTable(tc); !errors.Is(err, decoder.ErrUnsupported) || !strings.Contains(err.Error(), "rope_scaling") {
			t.Errorf("%s: %v", bad, err)
		}
	}
	broken := llama3
	broken.RopeScaling.OriginalMaxPositionEmbeddings = 0
	if _, err := ropeTable(broken); !errors.Is(err, decoder.ErrUnsupported) {
		t.Errorf("llama3 without original_max_position_embeddings: %v", err)
	}
	cfg := &checkpoint.Config{Family: checkpoint.Llava, Text: base}
	cfg.Text.HiddenAct = "relu2"
	if _, err := NewSpec(cfg, nil); !errors.Is(err, decoder.ErrUnsupported) || !strings.Contains(err.Error(), "text_config.hidden_act") {
		t.Errorf("activation: %v", err)
	}
}
