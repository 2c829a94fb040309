package imageproc

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseConfig covers the keys, their defaults and the size versus
// min_pixels/max_pixels precedence.
func TestParseConfig(t *testing.T) {
	def := DefaultConfig()
	tests := []struct {
		name         string
		json         string
		check        func(t *testing.T, c Config)
		wantWarnings int
	}{
		{
			name: "empty object takes transformers' defaults",
			json: `{}`,
			check: func(t *testing.T, c Config) {
				if c.PatchSize != 14 || c.TemporalPatchSize != 2 || c.MergeSize != 2 ||
					c.MinPixels != 3136 || c.MaxPixels != 1003520 || c.Resample != 3 ||
					!c.DoResize || !c.DoRescale || !c.DoNormalize || !c.DoConvertRGB ||
					c.RescaleFactor != 1.0/255 || c.Mean != def.Mean || c.Std != def.Std {
					t.Errorf("defaults wrong: %+v", c)
				}
				if c.Mean != [3]float64{0.48145466, 0.4578275, 0.40821073} || c.Std != [3]float64{0.26862954, 0.26130258, 0.27577711} {
					t.Errorf("mean/std are not OpenAI CLIP's: %v %v", c.Mean, c.Std)
				}
			},
		},
		{
			name: "qwen3-vl: size only",
			json: `{"size":{"longest_edge":16777216,"shortest_edge":65536},"patch_size":16,"image_mean":[0.5,0.5,0.5],"image_std":[0.5,0.5,0.5]}`,
			check: func(t *testing.T, c Config) {
				if c.MinPixels != 65536 || c.MaxPixels != 16777216 || c.PatchSize != 16 || c.Factor() != 32 {
					t.Errorf("got %d..%d patch %d", c.MinPixels, c.MaxPixels, c.PatchSize)
				}
				if c.Mean != [3]float64{0.5, 0.5, 0.5} || c.Std != [3]float64{0.5, 0.5, 0.5} {
					t.Errorf("mean/std %v %v", c.Mean, c.Std)
				}
			},
		},
		{
			name: "qwen2-vl: min_pixels/max_pixels only",
			json: `{"min_pixels":3136,"max_pixels":12845056}`,
			check: func(t *testing.T, c Config) {
				if c.MinPixels != 3136 || c.MaxPixels != 12845056 {
					t.Errorf("got %d..%d", c.MinPixels, c.MaxPixels)
				}
			},
		},
		{
			name: "only max_pixels keeps the default minimum",
			json: `{"max_pixels":200704}`,
			check: func(t *testing.T, c Config) {
				if c.MinPixels != 3136 || c.MaxPixels != 200704 {
					t.Errorf("got %d..%d", c.MinPixels, c.MaxPixels)
				}
			},
		},
		{
			name: "size and agreeing min/max_pixels",
			json: `{"size":{"longest_edge":16777216,"shortest_edge":65536},"min_pixels":65536,"max_pixels":16777216}`,
			check: func(t *testing.T, c Config) {
				if c.MinPixels != 65536 || c.MaxPixels != 16777216 {
					t.Errorf("got %d..%d", c.MinPixels, c.MaxPixels)
				}
			},
		},
		{
			name: "size wins over disagreeing min/max_pixels, with warnings",
			json: `{"size":{"longest_edge":16777216,"shortest_edge":65536},"min_pixels":3136,"max_pixels":200704}`,
			check: func(t *testing.T, c Config) {
				if c.MinPixels != 65536 || c.MaxPixels != 16777216 {
					t.Errorf("got %d..%d", c.MinPixels, c.MaxPixels)
				}
				if !strings.Contains(c.Warnings[0], "min_pixels 3136") || !strings.Contains(c.Warnings[1], "max_pixels 200704") {
					t.Errorf("warnings %q", c.Warnings)
				}
			},
			wantWarnings: 2,
		},
		{
			name: "scalar mean and std apply to every channel",
			json: `{"image_mean":0.25,"image_std":2}`,
			check: func(t *testing.T, c Config) {
				if c.Mean != [3]float64{0.25, 0.25, 0.25} || c.Std != [3]float64{2, 2, 2} {
					t.Errorf("mean/std %v %v", c.Mean, c.Std)
				}
			},
		},
		{
			name: "switches, rescale factor and nulls",
			json: `{"do_resize":false,"do_rescale":false,"do_normalize":false,"do_convert_rgb":false,"rescale_factor":0.5,"resample":2,"image_mean":null,"patch_size":null}`,
			check: func(t *testing.T, c Config) {
				if c.DoResize || c.DoRescale || c.DoNormalize || c.DoConvertRGB || c.RescaleFactor != 0.5 || c.Resample != 2 {
					t.Errorf("switches %+v", c)
				}
				if c.Mean != def.Mean || c.PatchSize != 14 {
					t.Errorf("null did not keep the default: %v %d", c.Mean, c.PatchSize)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseConfig([]byte(tc.json), "test.json")
			if err != nil {
				t.Fatal(err)
			}
			if c.Source != "test.json" {
				t.Errorf("source %q", c.Source)
			}
			if len(c.Warnings) != tc.wantWarnings {
				t.Fatalf("warnings %q; want %d", c.Warnings, tc.wantWarnings)
			}
			tc.check(t, c)
		})
	}
}

// TestParseConfigErrors checks that bad configs give ErrConfig with the
// source and the problem on one line.
func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name, json, mention string
	}{
		{"not JSON", `{"patch_size":`, "unexpected EOF"},
		{"wrong type", `{"patch_size":"14"}`, `"patch_size"`},
		{"size without longest_edge", `{"size":{"shortest_edge":3136}}`, "longest_edge"},
		{"size with height/width", `{"size":{"height":224,"width":224}}`, "shortest_edge"},
		{"bilinear", `{"resample":2}`, "resample 2"},
		{"mean of two values", `{"image_mean":[0.5,0.5]}`, "image_mean"},
		{"std as text", `{"image_std":"0.5"}`, "image_std"},
		{"zero std", `{"image_std":[0.5,0,0.5]}`, "image_std 0"},
		{"zero patch", `{"patch_size":0}`, "patch_size 0"},
		{"negative merge", `{"merge_size":-2}`, "merge_size -2"},
		{"zero temporal patch", `{"temporal_patch_size":0}`, "temporal_patch_size 0"},
		{"zero max_pixels", `{"max_pixels":0}`, "max_pixels"},
		{"negative min_pixels", `{"size":{"shortest_edge":-1,"longest_edge":10}}`, "min_pixels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.json), "dir/preprocessor_config.json")
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v; want ErrConfig", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, "dir/preprocessor_config.json") || !strings.Contains(msg, tc.mention) || strings.Contains(msg, "\n") {
				t.Errorf("message %q should name the file and %q on one line", msg, tc.mention)
			}
		})
	}
}

// TestLoadConfig reads a file and reports a missing one.
func TestLoadConfig(t *testing.T) {
	path := writeFile(t, "preprocessor_config.json", []byte(`{"patch_size":16,"merge_size":2,"size":{"shortest_edge":16384,"longest_edge":16777216}}`))
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != path || c.Factor() != 32 || c.MinPixels != 16384 {
		t.Errorf("got %+v", c)
	}
	missing := filepath.Join(t.TempDir(), "absent.json")
	if _, err := LoadConfig(missing); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("err = %v; want a not-exist error naming %s", err, missing)
	}
}
