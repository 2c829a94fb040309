package qwen2vl

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/backend/onnx/graph"
	"github.com/vlmask/vlmask/backend/onnx/ort"
	"github.com/vlmask/vlmask/backend/onnx/ort/orttest"
	"github.com/vlmask/vlmask/backend/onnx/weights"
	"github.com/vlmask/vlmask/core"
	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/golden"
	"github.com/vlmask/vlmask/internal/goldenmodel"
)

// rewrite copies a checkpoint directory into a temporary one, passing
// config.json through editConfig and the tensors through editTensors
// (either may be nil).
func rewrite(t *testing.T, src string, editConfig func(map[string]any), editTensors func([]safetensors.Tensor) []safetensors.Tensor) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".safetensors") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "config.json" && editConfig != nil {
			var cfg map[string]any
			if err := json.Unmarshal(b, &cfg); err != nil {
				t.Fatal(err)
			}
			editConfig(cfg)
			if b, err = json.MarshalIndent(cfg, "", "  "); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := safetensors.OpenDir(src)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	var tensors []safetensors.Tensor
	for _, name := range set.Names() {
		ten, err := set.Tensor(name)
		if err != nil {
			t.Fatal(err)
		}
		ten.Data = append([]byte(nil), ten.Data...)
		tensors = append(tensors, ten)
	}
	if editTensors != nil {
		tensors = editTensors(tensors)
	}
	if err := safetensors.WriteFile(filepath.Join(dst, "model.safetensors"), tensors, nil); err != nil {
		t.Fatal(err)
	}
	return dst
}

// promptLogits loads dir and returns the final position's logits on the
// golden case's prompt (image included).
func promptLogits(t *testing.T, rt *ort.Runtime, dir string, c golden.Case) []float64 {
	t.Helper()
	m := loadDir(t, rt, dir, decoder.Options{})
	seq, err := m.Start(context.Background(), goldenmodel.Prompt(t, c), core.SequenceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer seq.Close()
	logits, err := seq.Forward(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return logits
}

// renamePrefixes moves the decoder under model.language_model. and the
// tower under model.visual., the newer module layout.
func renamePrefixes(ts []safetensors.Tensor) []safetensors.Tensor {
	for i := range ts {
		switch {
		case strings.HasPrefix(ts[i].Name, legacyVisionPrefix):
			ts[i].Name = nestedVisionPrefix + strings.TrimPrefix(ts[i].Name, legacyVisionPrefix)
		case strings.HasPrefix(ts[i].Name, legacyTextPrefix):
			ts[i].Name = nestedTextPrefix + strings.TrimPrefix(ts[i].Name, legacyTextPrefix)
		}
	}
	return ts
}

// flatten turns a nested config into the legacy flat layout of the
// published Qwen2-VL checkpoints: text settings at the top level, rope
// scaling of type "mrope", vision_config kept.
func flatten(cfg map[string]any) {
	text := cfg["text_config"].(map[string]any)
	delete(cfg, "text_config")
	for k, v := range text {
		if k != "model_type" && k != "architectures" {
			cfg[k] = v
		}
	}
	rope := cfg["rope_scaling"].(map[string]any)
	cfg["rope_scaling"] = map[string]any{"type": "mrope", "mrope_section": rope["mrope_section"]}
}

// halfPrecision rounds every F32 tensor to dt (BF16 or F16, nearest, ties
// to even) and, when widen, stores the rounded values back as F32.
func halfPrecision(dt safetensors.DType, widen bool) func([]safetensors.Tensor) []safetensors.Tensor {
	narrow, value := graph.BFloat16Bits, graph.BFloat16Value
	if dt == safetensors.F16 {
		narrow, value = graph.Float16Bits, graph.Float16Value
	}
	return func(ts []safetensors.Tensor) []safetensors.Tensor {
		for i := range ts {
			f, ok := ts[i].Float32View()
			if !ok {
				panic("not an F32 tensor: " + ts[i].Name)
			}
			half := make([]uint16, len(f))
			wide := make([]float32, len(f))
			for j, x := range f {
				half[j] = narrow(float64(x))
				wide[j] = float32(value(half[j]))
			}
			if widen {
				ts[i].Data = append([]byte(nil), weights.Float32Bytes(wide)...)
				continue
			}
			ts[i].DType = dt
			ts[i].Data = make([]byte, 2*len(half))
			for j, h := range half {
				ts[i].Data[2*j], ts[i].Data[2*j+1] = byte(h), byte(h>>8)
			}
		}
		return ts
	}
}

// tieHead drops lm_head.weight (tied) or replaces it by a copy of the
// embedding table (untied, same values).
func tieHead(drop bool) func([]safetensors.Tensor) []safetensors.Tensor {
	return func(ts []safetensors.Tensor) []safetensors.Tensor {
		var embed safetensors.Tensor
		for _, x := range ts {
			if x.Name == legacyTextPrefix+"embed_tokens.weight" {
				embed = x
			}
		}
		out := ts[:0]
		for _, x := range ts {
			if x.Name == "lm_head.weight" {
				if drop {
					continue
				}
				x.Data = append([]byte(nil), embed.Data...)
			}
			out = append(out, x)
		}
		return out
	}
}

// TestLayouts: the same weights give the same logits whatever the tensor
// names, the config layout, the stored dtype or the tying of lm_head.
func TestLayouts(t *testing.T) {
	rt := orttest.Runtime(t)
	tied := func(cfg map[string]any) { cfg["tie_word_embeddings"] = true }
	tests := map[string]struct {
		a, b func(t *testing.T, src string) string
	}{
		"nested tensor names": {
			a: func(t *testing.T, src string) string { return src },
			b: func(t *testing.T, src string) string { return rewrite(t, src, nil, renamePrefixes) },
		},
		"flat config": {
			a: func(t *testing.T, src string) string { return src },
			b: func(t *testing.T, src string) string { return rewrite(t, src, flatten, nil) },
		},
		"bfloat16 weights": {
			a: func(t *testing.T, src string) string {
				return rewrite(t, src, nil, halfPrecision(safetensors.BF16, true))
			},
			b: func(t *testing.T, src string) string {
				return rewrite(t, src, nil, halfPrecision(safetensors.BF16, false))
			},
		},
		"float16 weights": {
			a: func(t *testing.T, src string) string {
				return rewrite(t, src, nil, halfPrecision(safetensors.F16, true))
			},
			b: func(t *testing.T, src string) string {
				return rewrite(t, src, nil, halfPrecision(safetensors.F16, false))
			},
		},
		"tied lm_head": {
			a: func(t *testing.T, src string) string { return rewrite(t, src, nil, tieHead(false)) },
			b: func(t *testing.T, src string) string { return rewrite(t, src, tied, tieHead(true)) },
		},
	}
	for _, c := range cases(t) {
		for name, tc := range tests {
			t.Run(c.Name+"/"+name, func(t *testing.T) {
				want := promptLogits(t, rt, tc.a(t, c.Checkpoint()), c)
				got := promptLogits(t, rt, tc.b(t, c.Checkpoint()), c)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("logit %d = %v, want %v", i, got[i], want[i])
					}
				}
			})
		}
	}
}
