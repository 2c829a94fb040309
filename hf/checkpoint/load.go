package checkpoint

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// File names Load reads in the checkpoint directory.
const (
	ConfigFileName           = "config.json"
	GenerationConfigFileName = "generation_config.json"
)

// maxConfigLen bounds the JSON files Load reads; real ones are a few KiB.
const maxConfigLen = 16 << 20

// Load reads config.json (required) and generation_config.json (optional)
// in dir, normalizes them into a Config and validates it. A model_type
// outside Families gives ErrUnsupportedModel; a malformed or inconsistent
// file gives ErrInvalidConfig; a missing config.json matches
// os.ErrNotExist. Every error names the file.
func Load(dir string) (*Config, error) {
	path := filepath.Join(dir, ConfigFileName)
	top, err := readObject(path)
	if err != nil {
		return nil, err
	}
	c, err := fromObject(dir, top)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if c.Generation, err = loadGeneration(dir); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// readObject reads a JSON object file.
func readObject(path string) (*object, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if info.Size() > maxConfigLen {
		return nil, fmt.Errorf("load %s: %d bytes, over the %d-byte limit: %w", path, info.Size(), maxConfigLen, ErrInvalidConfig)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	o, err := parseObject(b)
	if err != nil {
		return nil, fmt.Errorf("load %s: not a valid JSON object: %v: %w", path, err, ErrInvalidConfig)
	}
	return o, nil
}

// fromObject normalizes a parsed config.json.
func fromObject(dir string, top *object) (*Config, error) {
	modelType := top.str("model_type", "")
	if *top.err != nil {
		return nil, *top.err
	}
	family := Family(modelType)
	if !family.Supported() {
		names := make([]string, 0, len(Families()))
		for _, f := range Families() {
			names = append(names, string(f))
		}
		return nil, fmt.Errorf("model_type %q is not supported (supported: %s): %w", modelType, strings.Join(names, ", "), ErrUnsupportedModel)
	}
	c := &Config{Dir: dir, ModelType: modelType, Family: family}

	text := top
	if family.HasVision() {
		if tc, ok := top.sub("text_config"); ok {
			text = tc
		} else if !family.UsesMRoPE() { // LLaVA, Gemma 3: the text class's defaults
			text = &object{path: "text_config.", fields: map[string]json.RawMessage{}, err: top.err}
		}
	}
	vision, _ := top.sub("vision_config")
	if err := checkSubModelTypes(family, text, vision); err != nil {
		return nil, err
	}
	c.textPath = text.path
	c.parseText(text)
	if family.HasVision() {
		c.parseVision(vision)
	}

	// Top-level keys first, then text_config's (Qwen3-VL keeps bos/eos and
	// dtype only there).
	c.DType = firstString(top, text, "dtype", "torch_dtype")
	c.ImageTokenID = top.int("image_token_id", -1)
	c.VideoTokenID = top.int("video_token_id", -1)
	c.VisionStartTokenID = top.int("vision_start_token_id", -1)
	c.VisionEndTokenID = top.int("vision_end_token_id", -1)
	if family == Llava || family == Gemma3 {
		c.parseProjector(top)
	}
	c.BOSTokenID = top.int("bos_token_id", text.int("bos_token_id", -1))
	for _, id := range slices.Concat(top.intOrInts("eos_token_id"), text.intOrInts("eos_token_id")) {
		if !slices.Contains(c.EOSTokenIDs, id) {
			c.EOSTokenIDs = append(c.EOSTokenIDs, id)
		}
	}
	// transformers ties embeddings by the text config's flag; a VL config
	// written by transformers also has it at the top level. Gemma 3's text
	// class ties by default.
	c.TieWordEmbeddings = text.boolean("tie_word_embeddings", top.boolean("tie_word_embeddings", textDefaultsFor(family).tie))

	if *top.err != nil {
		return nil, *top.err
	}
	return c, nil
}

// firstString is the first of keys present in a, then in b.
func firstString(a, b *object, keys ...string) string {
	for _, o := range []*object{a, b} {
		for _, k := range keys {
			if o.has(k) {
				return o.str(k, "")
			}
		}
	}
	return ""
}

// subModelTypes are the text_config and vision_config model types each
// composite family is built from (an absent model_type takes the first,
// as the configuration classes do).
func subModelTypes(f Family) (text, vision string) {
	switch f {
	case Llava:
		return "llama", "clip_vision_model"
	case Gemma3:
		return "gemma3_text", "siglip_vision_model"
	}
	return "", ""
}

// checkSubModelTypes refuses a LLaVA or Gemma 3 config whose decoder or
// vision tower is of another kind (LLaVA variants exist with Mistral or
// SigLIP), which vlmask does not build.
func checkSubModelTypes(f Family, text, vision *object) error {
	wantText, wantVision := subModelTypes(f)
	for _, sub := range []struct {
		o    *object
		want string
	}{{text, wantText}, {vision, wantVision}} {
		if sub.want == "" || sub.o == nil || sub.o.path == "" {
			continue
		}
		if got := sub.o.str("model_type", sub.want); got != sub.want {
			return fmt.Errorf("%smodel_type %q: %s supports only %q there: %w", sub.o.path, got, f, sub.want, ErrUnsupportedModel)
		}
	}
	return nil
}
