package qwen2vl

import (
	"errors"
	"strings"
	"testing"

	"github.com/vlmask/vlmask/backend/onnx/decoder"
	"github.com/vlmask/vlmask/hf/checkpoint"
	"github.com/vlmask/vlmask/hf/safetensors"
	"github.com/vlmask/vlmask/internal/familytest"
)

// specOf reads the config.json of dir and describes it.
func specOf(t *testing.T, dir string) (decoder.Spec, error) {
	t.Helper()
	return familytest.Spec(t, dir, NewSpec)
}

// TestSpecSlidingWindow: with use_sliding_window, the layers from
// max_window_layers on attend within sliding_window tokens, as the Qwen2
// configuration derives layer_types.
func TestSpecSlidingWindow(t *testing.T) {
	for _, c := range cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			dir := rewrite(t, c.Checkpoint(), func(cfg map[string]any) {
				text := cfg["text_config"].(map[string]any)
				delete(text, "layer_types")
				text["use_sliding_window"] = true
				text["sliding_window"] = 8
				text["max_window_layers"] = 2
			}, nil)
			spec, err := specOf(t, dir)
			if err != nil {
				t.Fatal(err)
			}
			for l, layer := range spec.Layers {
				want := 0
				if l >= 2 {
					want = 8
				}
				if layer.Window != want {
					t.Errorf("layer %d: window %d, want %d", l, layer.Window, want)
				}
			}
		})
	}
}

// TestSpecRefusesUnsupported: an activation or a RoPE scaling the blocks
// do not implement is refused when the spec is made, naming the field.
func TestSpecRefusesUnsupported(t *testing.T) {
	c := cases(t)[0]
	tests := map[string]func(map[string]any){
		"hidden_act": func(cfg map[string]any) { cfg["text_config"].(map[string]any)["hidden_act"] = "relu2" },
		"rope_type": func(cfg map[string]any) {
			cfg["text_config"].(map[string]any)["rope_scaling"] = map[string]any{"rope_type": "linear", "factor": 2.0, "mrope_section": []int{2, 3, 3}}
		},
		"vision_config.hidden_act": func(cfg map[string]any) { cfg["vision_config"].(map[string]any)["hidden_act"] = "relu2" },
	}
	for field, edit := range tests {
		t.Run(field, func(t *testing.T) {
			cfg, err := checkpoint.Load(rewrite(t, c.Checkpoint(), edit, nil))
			if err != nil {
				t.Logf("refused by the config reader: %v", err)
				return
			}
			set, err := safetensors.OpenDir(c.Checkpoint())
			if err != nil {
				t.Fatal(err)
			}
			defer set.Close()
			if _, err := NewSpec(cfg, set); err == nil {
				t.Errorf("%s accepted", field)
			} else if !errors.Is(err, decoder.ErrUnsupported) || !strings.Contains(err.Error(), field) {
				t.Errorf("%v, want ErrUnsupported naming %s", err, field)
			}
		})
	}
}
