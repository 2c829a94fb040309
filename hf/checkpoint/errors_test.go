package checkpoint

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validQwen3VL is a small consistent nested Qwen3-VL config.json, as a map
// the tests below break one field at a time.
func validQwen3VL() map[string]any {
	return map[string]any{
		"model_type": "qwen3_vl", "image_token_id": 60, "video_token_id": 61,
		"vision_start_token_id": 62, "vision_end_token_id": 63, "dtype": "float32",
		"text_config": map[string]any{
			"vocab_size": 64, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
			"num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "rms_norm_eps": 1e-6,
			"rope_theta": 5e6, "bos_token_id": 1, "eos_token_id": 2,
			"rope_scaling": map[string]any{"mrope_section": []int{4, 2, 2}, "mrope_interleaved": true, "rope_type": "default"},
		},
		"vision_config": map[string]any{
			"depth": 2, "hidden_size": 32, "intermediate_size": 64, "num_heads": 2, "out_hidden_size": 64,
			"num_position_embeddings": 144, "deepstack_visual_indexes": []int{0, 1},
		},
	}
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(writeCheckpoint(t, marshal(t, validQwen3VL()), "")); err != nil {
		t.Fatalf("the base config does not load: %v", err)
	}
	sub := func(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }
	tests := map[string]struct {
		config     string
		generation string
		edit       func(m map[string]any) // applied to validQwen3VL when config is empty
		want       error
		file       string // the file the message must name
		mention    []string
	}{
		"unknown model_type": {config: `{"model_type": "llama"}`, want: ErrUnsupportedModel,
			mention: []string{`"llama"`, "qwen3_vl, qwen2_5_vl, qwen2_vl, qwen3, qwen2"}},
		"no model_type":  {config: `{"hidden_size": 8}`, want: ErrUnsupportedModel, mention: []string{`""`, "supported"}},
		"malformed JSON": {config: `{"model_type": "qwen3",`, want: ErrInvalidConfig, mention: []string{"JSON"}},
		"not an object":  {config: `[1, 2]`, want: ErrInvalidConfig, mention: []string{"JSON object"}},
		"null":           {config: `null`, want: ErrInvalidConfig, mention: []string{"JSON object"}},
		"model_type not a string": {config: `{"model_type": 3}`, want: ErrInvalidConfig,
			mention: []string{"model_type", "want a string"}},
		"layers not an integer": {edit: func(m map[string]any) { sub(m, "text_config")["num_hidden_layers"] = "four" },
			want: ErrInvalidConfig, mention: []string{"text_config.num_hidden_layers", "want an integer"}},
		"fractional heads": {edit: func(m map[string]any) { sub(m, "text_config")["num_attention_heads"] = 4.5 },
			want: ErrInvalidConfig, mention: []string{"text_config.num_attention_heads"}},
		"text_config not an object": {edit: func(m map[string]any) { m["text_config"] = []int{1} },
			want: ErrInvalidConfig, mention: []string{"text_config", "want an object"}},
		"mrope_section of strings": {edit: func(m map[string]any) {
			sub(sub(m, "text_config"), "rope_scaling")["mrope_section"] = []string{"a"}
		}, want: ErrInvalidConfig, mention: []string{"text_config.rope_scaling.mrope_section", "list of integers"}},
		"tie not a bool": {edit: func(m map[string]any) { m["tie_word_embeddings"] = "yes" },
			want: ErrInvalidConfig, mention: []string{"tie_word_embeddings"}},
		"malformed generation_config.json": {generation: `{"eos_token_id": [1,`, want: ErrInvalidConfig,
			file: GenerationConfigFileName, mention: []string{"JSON"}},
		"generation eos of strings": {generation: `{"eos_token_id": ["x"]}`, want: ErrInvalidConfig,
			file: GenerationConfigFileName, mention: []string{"eos_token_id"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			config := tc.config
			if config == "" {
				m := validQwen3VL()
				if tc.edit != nil {
					tc.edit(m)
				}
				config = marshal(t, m)
			}
			dir := writeCheckpoint(t, config, tc.generation)
			_, err := Load(dir)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Load: %v, want %v", err, tc.want)
			}
			file := tc.file
			if file == "" {
				file = ConfigFileName
			}
			for _, m := range append(tc.mention, filepath.Join(dir, file)) {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
		})
	}
}

func TestLoadMissingFiles(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), filepath.Join(dir, ConfigFileName)) {
		t.Errorf("Load without config.json = %v, want ErrNotExist naming the file", err)
	}

	c, err := Load(writeCheckpoint(t, marshal(t, validQwen3VL()), ""))
	if err != nil {
		t.Fatalf("Load without generation_config.json: %v", err)
	}
	if c.Generation.Present || c.Generation.PadTokenID != -1 || c.Generation.TopK != 50 || c.Generation.EOSTokenIDs != nil {
		t.Errorf("Generation = %+v, want the defaults", c.Generation)
	}
	if got := c.StopTokenIDs(); len(got) != 1 || got[0] != 2 {
		t.Errorf("StopTokenIDs() = %v, want [2] from text_config", got)
	}
}

func TestValidate(t *testing.T) {
	sub := func(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }
	text := func(m map[string]any) map[string]any { return sub(m, "text_config") }
	vision := func(m map[string]any) map[string]any { return sub(m, "vision_config") }
	tests := map[string]struct {
		edit    func(m map[string]any)
		field   string
		problem string
	}{
		"kv heads do not divide heads": {func(m map[string]any) { text(m)["num_key_value_heads"] = 3 },
			"text_config.num_key_value_heads", "does not divide"},
		"zero layers":    {func(m map[string]any) { text(m)["num_hidden_layers"] = 0 }, "text_config.num_hidden_layers", "not positive"},
		"negative vocab": {func(m map[string]any) { text(m)["vocab_size"] = -5 }, "text_config.vocab_size", "not positive"},
		"odd head_dim":   {func(m map[string]any) { text(m)["head_dim"] = 15 }, "text_config.head_dim", "even"},
		"zero eps":       {func(m map[string]any) { text(m)["rms_norm_eps"] = 0 }, "text_config.rms_norm_eps", "positive"},
		"negative theta": {func(m map[string]any) { text(m)["rope_theta"] = -1 }, "text_config.rope_theta", "positive"},
		"mrope sum wrong": {func(m map[string]any) { sub(text(m), "rope_scaling")["mrope_section"] = []int{4, 2, 3} },
			"text_config.rope_scaling.mrope_section", "sums to 9, want head_dim/2 = 8"},
		"mrope two parts": {func(m map[string]any) { sub(text(m), "rope_scaling")["mrope_section"] = []int{4, 4} },
			"text_config.rope_scaling.mrope_section", "want 3 sizes"},
		"mrope negative": {func(m map[string]any) { sub(text(m), "rope_scaling")["mrope_section"] = []int{10, -1, -1} },
			"text_config.rope_scaling.mrope_section", "negative"},
		"layer_types short": {func(m map[string]any) { text(m)["layer_types"] = []string{"full_attention"} },
			"text_config.layer_types", "1 entries for 2 layers"},
		"layer_types unknown": {func(m map[string]any) { text(m)["layer_types"] = []string{"full_attention", "chunked"} },
			"text_config.layer_types", `"chunked"`},
		"sliding without window": {func(m map[string]any) {
			text(m)["layer_types"] = []string{"full_attention", "sliding_attention"}
		}, "text_config.layer_types", "no window"},
		"image token outside vocab": {func(m map[string]any) { m["image_token_id"] = 64 }, "image_token_id", "not a token id"},
		"eos negative":              {func(m map[string]any) { text(m)["eos_token_id"] = []int{2, -1} }, "eos_token_id", "not a token id"},
		"bos below -1":              {func(m map[string]any) { text(m)["bos_token_id"] = -2 }, "bos_token_id", "not a token id"},
		"no image token":            {func(m map[string]any) { delete(m, "image_token_id") }, "image_token_id", "missing"},
		"no vision start":           {func(m map[string]any) { delete(m, "vision_start_token_id") }, "vision_start_token_id", "missing"},
		"vision heads uneven": {func(m map[string]any) { vision(m)["num_heads"] = 3 },
			"vision_config.num_heads", "even head sizes"},
		"vision zero depth": {func(m map[string]any) { vision(m)["depth"] = 0 }, "vision_config.depth", "not positive"},
		"vision output size": {func(m map[string]any) { vision(m)["out_hidden_size"] = 32 },
			"vision_config.out_hidden_size", "decoder's hidden_size 64"},
		"position table not square": {func(m map[string]any) { vision(m)["num_position_embeddings"] = 140 },
			"vision_config.num_position_embeddings", "square"},
		"deepstack outside depth": {func(m map[string]any) { vision(m)["deepstack_visual_indexes"] = []int{0, 2} },
			"vision_config.deepstack_visual_indexes", "outside depth 2"},
		"deepstack twice": {func(m map[string]any) { vision(m)["deepstack_visual_indexes"] = []int{1, 1} },
			"vision_config.deepstack_visual_indexes", "twice"},
		"deepstack beyond layers": {func(m map[string]any) {
			vision(m)["depth"] = 4
			vision(m)["deepstack_visual_indexes"] = []int{0, 1, 2}
		}, "vision_config.deepstack_visual_indexes", "3 features for 2 decoder layers"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m := validQwen3VL()
			tc.edit(m)
			dir := writeCheckpoint(t, marshal(t, m), "")
			_, err := Load(dir)
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("Load: %v, want ErrInvalidConfig", err)
			}
			for _, want := range []string{filepath.Join(dir, ConfigFileName) + ": " + tc.field + ": ", tc.problem} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

func TestValidateOtherFamilies(t *testing.T) {
	tests := map[string]struct {
		config, field, problem string
	}{
		"qwen2 heads do not divide hidden": {`{"model_type": "qwen2", "hidden_size": 100, "num_attention_heads": 8, "num_key_value_heads": 8}`,
			"num_attention_heads", "does not divide hidden_size 100"},
		"qwen2_vl without mrope_section": {`{"model_type": "qwen2_vl", "image_token_id": 1, "vision_start_token_id": 2, "vocab_size": 10,
			"hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 4, "vision_config": {"hidden_size": 64, "embed_dim": 32, "num_heads": 2}}`,
			"rope_scaling.mrope_section", "want 3 sizes"},
		"qwen2_vl zero mlp_ratio": {`{"model_type": "qwen2_vl", "image_token_id": 1, "vision_start_token_id": 2, "vocab_size": 10,
			"hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 4, "rope_scaling": {"type": "mrope", "mrope_section": [2, 3, 3]},
			"vision_config": {"hidden_size": 64, "embed_dim": 32, "num_heads": 2, "mlp_ratio": 0}}`,
			"vision_config.mlp_ratio", "not positive"},
		"qwen2_vl merger output": {`{"model_type": "qwen2_vl", "image_token_id": 1, "vision_start_token_id": 2, "vocab_size": 10,
			"hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 4, "rope_scaling": {"type": "mrope", "mrope_section": [2, 3, 3]},
			"vision_config": {"hidden_size": 48, "embed_dim": 32, "num_heads": 2}}`,
			"vision_config.hidden_size", "decoder's hidden_size 64"},
		"qwen2_5_vl window too small": {`{"model_type": "qwen2_5_vl", "image_token_id": 1, "vision_start_token_id": 2, "vocab_size": 10,
			"text_config": {"hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 4, "rope_scaling": {"mrope_section": [2, 3, 3]}},
			"vision_config": {"hidden_size": 32, "num_heads": 2, "out_hidden_size": 64, "window_size": 14, "depth": 2, "fullatt_block_indexes": [1]}}`,
			"vision_config.window_size", "smaller than one merged patch"},
		"qwen2_5_vl full attention block outside depth": {`{"model_type": "qwen2_5_vl", "image_token_id": 1, "vision_start_token_id": 2, "vocab_size": 10,
			"text_config": {"hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 4, "rope_scaling": {"mrope_section": [2, 3, 3]}},
			"vision_config": {"hidden_size": 32, "num_heads": 2, "out_hidden_size": 64, "depth": 2, "fullatt_block_indexes": [7]}}`,
			"vision_config.fullatt_block_indexes", "outside depth 2"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := writeCheckpoint(t, tc.config, "")
			_, err := Load(dir)
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("Load: %v, want ErrInvalidConfig", err)
			}
			for _, want := range []string{filepath.Join(dir, ConfigFileName) + ": " + tc.field + ": ", tc.problem} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

func TestValidateBuiltConfigs(t *testing.T) {
	if err := (&Config{Family: "llama", ModelType: "llama"}).Validate(); !errors.Is(err, ErrUnsupportedModel) {
		t.Errorf("Validate of an unknown family: %v, want ErrUnsupportedModel", err)
	}
	c, err := Load(writeCheckpoint(t, marshal(t, validQwen3VL()), ""))
	if err != nil {
		t.Fatal(err)
	}
	c.Vision = nil
	if err := c.Validate(); !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "vision_config: missing") {
		t.Errorf("Validate of a VL config without Vision: %v", err)
	}
	c.Family, c.Text.MRopeSection = Qwen3, nil
	c.ImageTokenID, c.VisionStartTokenID = -1, -1
	if err := c.Validate(); err != nil {
		t.Errorf("Validate of the same config as text-only Qwen3: %v", err)
	}
	c.Vision = &VisionConfig{}
	if err := c.Validate(); !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "text-only") {
		t.Errorf("Validate of a text family with Vision: %v", err)
	}
}
